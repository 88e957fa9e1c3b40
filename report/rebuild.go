package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
)

// FindJSON lists the reports named by paths: each folder is searched, with its subfolders, for
// *.report.json (the JSON every workflow writes beside <name>.report.html); files are taken as
// given.
func FindJSON(paths ...string) ([]string, error) {
	var files []string
	for _, a := range paths {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".report.json") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.report.json in %s", strings.Join(paths, ", "))
	}
	return files, nil
}

// Rebuild renders the page of the report JSON at path again, with this painmark version, beside
// it (<name>.report.html), after Read has checked that every figure is plain SVG. It returns the
// page's path and the document.
func Rebuild(path string) (string, *Document, error) {
	d, err := Read(path)
	if err != nil {
		return "", nil, err
	}
	page := strings.TrimSuffix(path, ".json") + ".html"
	return page, d, atomicfile.WriteFile(page, d.HTML())
}

var slug = regexp.MustCompile(`[^A-Za-z0-9]+`)

// WriteFigures writes every figure of d into dir as a standalone SVG file named
// <base>-<number>-<title>.svg (for slides and papers).
func (d *Document) WriteFigures(dir, base string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	titles, svgs := d.Figures()
	for k, svg := range svgs {
		name := strings.Trim(slug.ReplaceAllString(strings.ToLower(titles[k]), "-"), "-")
		if len(name) > 60 {
			name = name[:60]
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.svg", base, k+1, name))
		if err := atomicfile.WriteFile(path, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+svg+"\n")); err != nil {
			return err
		}
	}
	return nil
}
