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
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"os"
	"sort"
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
	Heading string  `json:"heading"`
	Blocks  []Block `json:"blocks"`
}

// Block is one element of a section, kept as data (not HTML) so that the page can be rebuilt from
// its JSON: a paragraph, a list of facts, a table, or a figure (its SVG and caption).
type Block struct {
	Kind    string      `json:"kind"` // text, facts, table, figure
	Text    string      `json:"text,omitempty"`
	Pairs   [][2]string `json:"pairs,omitempty"`
	Caption string      `json:"caption,omitempty"`
	Header  []string    `json:"header,omitempty"`
	Rows    [][]string  `json:"rows,omitempty"`
	Title   string      `json:"title,omitempty"`
	SVG     string      `json:"svg,omitempty"`
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
	s.Blocks = append(s.Blocks, Block{Kind: "text", Text: fmt.Sprintf(format, args...)})
}

// Facts adds a two-column list of names and values.
func (s *Section) Facts(pairs ...[2]string) {
	s.Blocks = append(s.Blocks, Block{Kind: "facts", Pairs: pairs})
}

// Table adds a table with a header row.
func (s *Section) Table(caption string, header []string, rows [][]string) {
	s.Blocks = append(s.Blocks, Block{Kind: "table", Caption: caption, Header: header, Rows: rows})
}

// Figure adds a figure (an SVG from this package's plots) with a caption.
func (s *Section) Figure(fig *SVG, caption string) {
	s.Blocks = append(s.Blocks, Block{Kind: "figure", Title: fig.Title, SVG: fig.String(), Caption: caption})
}

// html renders a block; every text is escaped (figures are this package's SVG).
func (b Block) html() string {
	esc := html.EscapeString
	var w strings.Builder
	switch b.Kind {
	case "text":
		w.WriteString("<p>" + esc(b.Text) + "</p>")
	case "facts":
		w.WriteString(`<table class="facts">`)
		for _, p := range b.Pairs {
			fmt.Fprintf(&w, "<tr><th>%s</th><td>%s</td></tr>", esc(p[0]), esc(p[1]))
		}
		w.WriteString("</table>")
	case "table":
		w.WriteString(`<table class="data">`)
		if b.Caption != "" {
			fmt.Fprintf(&w, "<caption>%s</caption>", esc(b.Caption))
		}
		w.WriteString("<thead><tr>")
		for _, h := range b.Header {
			fmt.Fprintf(&w, "<th>%s</th>", esc(h))
		}
		w.WriteString("</tr></thead><tbody>")
		for _, r := range b.Rows {
			w.WriteString("<tr>")
			for _, c := range r {
				fmt.Fprintf(&w, "<td>%s</td>", esc(c))
			}
			w.WriteString("</tr>")
		}
		w.WriteString("</tbody></table>")
	case "figure":
		w.WriteString("<figure>" + b.SVG + "<figcaption>" + esc(b.Caption) + "</figcaption></figure>")
	}
	return w.String()
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
	fmt.Fprintf(&b, "<tr><th>software</th><td>%s</td></tr>", esc(version.String())) // version.String names painmark
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
		for _, blk := range s.Blocks {
			b.WriteString(blk.html())
		}
		b.WriteString("</section>")
	}
	b.WriteString("<footer>Every number on this page is in the JSON file written beside it.</footer></main></body></html>\n")
	return b.Bytes()
}

// JSON is the machine-readable companion: the header, Numbers and the page's sections (so that
// painmark report can rebuild the page from it).
func (d *Document) JSON() ([]byte, error) {
	inputs := d.Inputs
	if inputs == nil {
		inputs = []Input{}
	}
	sections := d.sections
	if sections == nil {
		sections = []*Section{}
	}
	return json.MarshalIndent(map[string]any{
		"title": d.Title, "command": d.Command, "software_version": version.String(),
		"date": d.Date.Format(time.RFC3339), "seed": d.Seed, "inputs": inputs, "numbers": d.Numbers,
		"sections": sections,
	}, "", "  ")
}

// svgElements and svgAttributes are the allow-list of what this package's figures contain; a
// rebuilt report accepts nothing else, so a figure cannot carry <meta http-equiv="refresh">,
// <style>, <script>, foreignObject, links or event handlers into the page. An attribute mapped to
// a non-empty prefix must start with it (its value is otherwise free).
var (
	svgElements   = map[string]bool{"svg": true, "title": true, "line": true, "rect": true, "circle": true, "text": true, "polyline": true, "polygon": true, "path": true, "image": true}
	svgAttributes = map[string]string{
		"class": "", "width": "", "height": "", "viewBox": "", "role": "", "x": "", "y": "", "x1": "", "x2": "", "y1": "", "y2": "",
		"cx": "", "cy": "", "r": "", "d": "", "points": "", "fill": "", "fill-opacity": "", "stroke": "", "stroke-width": "",
		"stroke-opacity": "", "stroke-dasharray": "", "font-size": "", "font-weight": "", "text-anchor": "", "dominant-baseline": "",
		"transform": "", "preserveAspectRatio": "",
		"style": "image-rendering:pixelated", "href": "data:image/png;base64,", "xmlns": svgNamespace,
	}
)

const svgNamespace = "http://www.w3.org/2000/svg"

// checkSVG parses a figure as XML and accepts only the elements and attributes this package's
// figures contain (svgElements, svgAttributes): no script, style, meta, foreignObject or embedded
// documents, no event handlers, links or external images, no processing instructions or DTDs (the
// page's Content-Security-Policy blocks scripts anyway).
func checkSVG(svg string) error {
	if !strings.HasPrefix(svg, "<svg") {
		return fmt.Errorf("not an <svg> element")
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not well-formed SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.ProcInst, xml.Directive:
			return fmt.Errorf("a processing instruction or DTD")
		case xml.StartElement:
			if !svgElements[t.Name.Local] || (t.Name.Space != "" && t.Name.Space != svgNamespace) {
				return fmt.Errorf("a <%s> element (painmark's figures hold only %s)", t.Name.Local, strings.Join(sortedKeys(svgElements), ", "))
			}
			seen := map[string]bool{}
			for _, a := range t.Attr {
				if seen[a.Name.Space+":"+a.Name.Local] {
					return fmt.Errorf("<%s> repeats the attribute %s", t.Name.Local, a.Name.Local)
				}
				seen[a.Name.Space+":"+a.Name.Local] = true
				prefix, ok := svgAttributes[a.Name.Local]
				if !ok || a.Name.Space != "" || !strings.HasPrefix(a.Value, prefix) || (prefix != "" && a.Name.Local != "href" && a.Value != prefix) {
					return fmt.Errorf("<%s> attribute %s=%q is not one painmark's figures use", t.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Read loads a report from its JSON (written by Write) for rebuilding. Figures must be SVG
// without scripts, event handlers or embedded documents.
func Read(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Title, Command, Date string
		Seed                 *uint64
		Inputs               []Input
		Numbers              map[string]any
		Sections             []*Section
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: not a painmark report JSON: %w", path, err)
	}
	if raw.Title == "" || raw.Sections == nil {
		return nil, fmt.Errorf("%s: no title or sections: not a report JSON written by this painmark version", path)
	}
	d := &Document{Title: raw.Title, Command: raw.Command, Inputs: raw.Inputs, Seed: raw.Seed, Numbers: raw.Numbers, sections: raw.Sections}
	if d.Date, err = time.Parse(time.RFC3339, raw.Date); err != nil {
		return nil, fmt.Errorf("%s: date %q: %w", path, raw.Date, err)
	}
	for _, s := range d.sections {
		for k, blk := range s.Blocks {
			switch blk.Kind {
			case "text", "facts", "table":
			case "figure":
				if err := checkSVG(blk.SVG); err != nil {
					return nil, fmt.Errorf("%s: section %q, block %d is not a plain SVG figure: %w", path, s.Heading, k+1, err)
				}
			default:
				return nil, fmt.Errorf("%s: section %q, block %d has kind %q", path, s.Heading, k+1, blk.Kind)
			}
		}
	}
	return d, nil
}

// Figures lists the page's figures in order: their titles and SVG documents.
func (d *Document) Figures() (titles, svgs []string) {
	for _, s := range d.sections {
		for _, blk := range s.Blocks {
			if blk.Kind == "figure" {
				titles, svgs = append(titles, blk.Title), append(svgs, blk.SVG)
			}
		}
	}
	return titles, svgs
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
figcaption{font-size:.85em;color:#374151;max-width:460px;overflow-wrap:anywhere}
code{font-size:.9em}
footer{margin-top:2em;font-size:.8em;color:#6b7280}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
`
