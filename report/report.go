// Package report writes the pages a person reads after a painmark run: one self-contained HTML
// file (inline CSS and SVG figures, no scripts, fonts or network requests, so it works offline and
// as an e-mail attachment), with a header saying what was run (command, inputs with SHA-256
// checksums, software version, seed, date), sections of text, tables and figures, and beside it a
// JSON file holding every number the page shows. Every string that may come from user data
// (region names, subject IDs, column names) is escaped: it is shown as text, never run.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"time"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/version"
)

// Input is a file the run read, named with its checksum in the header.
type Input struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256,omitempty"` // empty for a folder
}

// Document is one report page.
type Document struct {
	Title   string
	Command string
	Inputs  []Input
	Seed    *uint64
	Date    time.Time
	// Numbers are written to the JSON file beside the page: every number the page shows, by name.
	Numbers  map[string]any
	sections []*Section
}

// Section is a headed part of the page; blocks appear in the order they are added.
type Section struct {
	Heading string
	blocks  []string // HTML, already escaped
}

// New starts a report with the run's title and command line.
func New(title, command string) *Document {
	return &Document{Title: title, Command: command, Date: time.Now().UTC(), Numbers: map[string]any{}}
}

// AddInput records an input file with its SHA-256 checksum (read from the file).
func (d *Document) AddInput(name string, r io.Reader) error {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	d.Inputs = append(d.Inputs, Input{Name: name, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// AddFolder records an input folder (no checksum: its files are named by the command's outputs).
func (d *Document) AddFolder(name string) {
	d.Inputs = append(d.Inputs, Input{Name: name})
}

// Section appends a section and returns it.
func (d *Document) Section(heading string) *Section {
	s := &Section{Heading: heading}
	d.sections = append(d.sections, s)
	return s
}

// Text adds a paragraph (plain text, escaped).
func (s *Section) Text(format string, args ...any) {
	s.blocks = append(s.blocks, "<p>"+html.EscapeString(fmt.Sprintf(format, args...))+"</p>")
}

// Facts adds a two-column list of names and values.
func (s *Section) Facts(pairs ...[2]string) {
	var b strings.Builder
	b.WriteString(`<table class="facts">`)
	for _, p := range pairs {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>", html.EscapeString(p[0]), html.EscapeString(p[1]))
	}
	b.WriteString("</table>")
	s.blocks = append(s.blocks, b.String())
}

// Table adds a table with a header row.
func (s *Section) Table(caption string, header []string, rows [][]string) {
	var b strings.Builder
	b.WriteString(`<table class="data">`)
	if caption != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>", html.EscapeString(caption))
	}
	b.WriteString("<thead><tr>")
	for _, h := range header {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, c := range r {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	s.blocks = append(s.blocks, b.String())
}

// Figure adds a figure (an SVG from this package's plots) with a caption.
func (s *Section) Figure(fig *SVG, caption string) {
	s.blocks = append(s.blocks, `<figure>`+fig.String()+"<figcaption>"+html.EscapeString(caption)+"</figcaption></figure>")
}

// HTML renders the page.
func (d *Document) HTML() []byte {
	var b bytes.Buffer
	esc := html.EscapeString
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`)
	fmt.Fprintf(&b, "<title>%s</title><style>%s</style></head><body>", esc(d.Title), css)
	fmt.Fprintf(&b, "<header><h1>%s</h1><table class=\"facts\">", esc(d.Title))
	fmt.Fprintf(&b, "<tr><th>command</th><td><code>%s</code></td></tr>", esc(d.Command))
	fmt.Fprintf(&b, "<tr><th>software</th><td>painmark %s</td></tr>", esc(version.String()))
	fmt.Fprintf(&b, "<tr><th>date</th><td>%s</td></tr>", esc(d.Date.Format(time.RFC3339)))
	if d.Seed != nil {
		fmt.Fprintf(&b, "<tr><th>seed</th><td>%d</td></tr>", *d.Seed)
	}
	if len(d.Inputs) > 0 {
		b.WriteString("<tr><th>inputs</th><td><details><summary>")
		fmt.Fprintf(&b, "%d files (SHA-256)</summary><ul>", len(d.Inputs))
		for _, in := range d.Inputs {
			sum := "folder"
			if len(in.SHA256) >= 16 {
				sum = in.SHA256[:16]
			}
			fmt.Fprintf(&b, "<li><code>%s</code> %s</li>", esc(sum), esc(in.Name))
		}
		b.WriteString("</ul></details></td></tr>")
	}
	b.WriteString("</table></header><main>")
	for i, s := range d.sections {
		fmt.Fprintf(&b, "<section id=\"s%d\"><h2>%s</h2>", i+1, esc(s.Heading))
		for _, blk := range s.blocks {
			b.WriteString(blk)
		}
		b.WriteString("</section>")
	}
	b.WriteString("<footer>Every number on this page is in the JSON file written beside it.</footer></main></body></html>\n")
	return b.Bytes()
}

// JSON is the machine-readable companion: the header and Numbers.
func (d *Document) JSON() ([]byte, error) {
	inputs := d.Inputs
	if inputs == nil {
		inputs = []Input{}
	}
	return json.MarshalIndent(map[string]any{
		"title": d.Title, "command": d.Command, "software_version": version.String(),
		"date": d.Date.Format(time.RFC3339), "seed": d.Seed, "inputs": inputs, "numbers": d.Numbers,
	}, "", "  ")
}

// Write writes the page to path and its JSON beside it (path with .json for .html), each under its
// final name only once complete.
func (d *Document) Write(path string) error {
	js, err := d.JSON()
	if err != nil {
		return fmt.Errorf("report numbers: %w", err)
	}
	if err := atomicfile.WriteFile(strings.TrimSuffix(path, ".html")+".json", append(js, '\n')); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, d.HTML())
}

// AddInputFile records a file on disk as an input.
func (d *Document) AddInputFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return d.AddInput(path, f)
}

const css = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{background:#f3f4f6;padding:1em 2em;border-bottom:1px solid #d1d5db}
h1{font-size:1.5em;margin:0 0 .5em}
main{padding:0 2em 2em;max-width:1100px}
h2{font-size:1.2em;border-bottom:1px solid #e5e7eb;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}
table.facts th{text-align:left;font-weight:600;padding:.15em 1em .15em 0;vertical-align:top}
table.data th,table.data td{border:1px solid #d1d5db;padding:.2em .6em;text-align:right}
table.data th{background:#f3f4f6}
table.data td:first-child{text-align:left}
caption{caption-side:top;text-align:left;font-weight:600;padding-bottom:.3em}
figure{display:inline-block;margin:.6em 1.2em .6em 0;vertical-align:top}
figcaption{font-size:.85em;color:#374151;max-width:460px}
code{font-size:.9em}
footer{margin-top:2em;font-size:.8em;color:#6b7280}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
`
