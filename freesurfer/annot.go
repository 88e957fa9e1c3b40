package freesurfer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// ColorEntry is one structure of an annotation's colour table.
type ColorEntry struct {
	Name             string
	Red, Green, Blue int
	Transparency     int
	// Value is the label value that vertices of this structure carry: R + G·2⁸ + B·2¹⁶.
	Value int
}

// Annotation is a FreeSurfer surface parcellation (?h.aparc.annot, ?h.aparc.a2009s.annot, ...).
type Annotation struct {
	// Labels holds, per vertex, the index into Table of its structure, or -1 for a vertex with
	// value 0 (nibabel's read_annot) or with a value in no table entry (where nibabel's searchsorted
	// would name a neighbouring entry).
	Labels []int
	Table  []ColorEntry
}

// Names are the structure names in table order.
func (a *Annotation) Names() []string {
	out := make([]string, len(a.Table))
	for i, e := range a.Table {
		out[i] = e.Name
	}
	return out
}

// ReadAnnotation reads a FreeSurfer .annot file with its embedded colour table (format version 2,
// which FreeSurfer has written since 2005; the older format is read too), as
// nibabel.freesurfer.read_annot(path, orig_ids=False) does.
func ReadAnnotation(path string) (*Annotation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := parseAnnotation(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

type beReader struct {
	r   io.Reader
	err error
}

func (b *beReader) int() int {
	var v int32
	if b.err == nil {
		b.err = binary.Read(b.r, binary.BigEndian, &v)
	}
	return int(v)
}

func (b *beReader) str(what string) string {
	n := b.int()
	if b.err != nil {
		return ""
	}
	if n < 0 || n > 1<<16 {
		b.err = fmt.Errorf("%s: implausible length %d", what, n)
		return ""
	}
	buf := make([]byte, n)
	_, b.err = io.ReadFull(b.r, buf)
	for len(buf) > 0 && buf[len(buf)-1] == 0 {
		buf = buf[:len(buf)-1]
	}
	return string(buf)
}

func parseAnnotation(r io.Reader) (*Annotation, error) {
	b := &beReader{r: r}
	nv := b.int()
	if b.err != nil {
		return nil, fmt.Errorf("too short for an annotation: %w", b.err)
	}
	if nv < 0 || nv > maxVertices {
		return nil, fmt.Errorf("implausible vertex count %d", nv)
	}
	pairs, err := readBigEndian[int32](r, 2*nv)
	if err != nil {
		return nil, fmt.Errorf("%d vertex labels: %w", nv, err)
	}
	if b.int() == 0 || b.err != nil {
		return nil, fmt.Errorf("no colour table: the labels cannot be named")
	}
	a := &Annotation{}
	n := b.int()
	var entries int
	if n > 0 { // the original format: n entries, names and colours in order
		b.str("colour table file name")
		entries = n
		for i := 0; i < entries && b.err == nil; i++ {
			e := ColorEntry{Name: b.str("structure name"), Red: b.int(), Green: b.int(), Blue: b.int(), Transparency: b.int()}
			a.Table = append(a.Table, e)
		}
	} else {
		if -n != 2 {
			return nil, fmt.Errorf("colour table version %d; only 2 is known", -n)
		}
		maxStructure := b.int()
		b.str("colour table file name")
		entries = b.int()
		if b.err == nil && (maxStructure < 0 || maxStructure > 1<<20 || entries < 0 || entries > maxStructure) {
			return nil, fmt.Errorf("implausible colour table: %d entries, %d structures", entries, maxStructure)
		}
		// nibabel keeps the entries in file order, whatever their structure index.
		for i := 0; i < entries && b.err == nil; i++ {
			b.int() // structure index
			e := ColorEntry{Name: b.str("structure name"), Red: b.int(), Green: b.int(), Blue: b.int(), Transparency: b.int()}
			a.Table = append(a.Table, e)
		}
	}
	if b.err != nil {
		return nil, fmt.Errorf("colour table: %w", b.err)
	}
	index := map[int]int{}
	for i := range a.Table {
		e := &a.Table[i]
		e.Value = e.Red + e.Green<<8 + e.Blue<<16
		if _, dup := index[e.Value]; !dup {
			index[e.Value] = i
		}
	}
	a.Labels = make([]int, nv)
	for i := range a.Labels {
		a.Labels[i] = -1
	}
	for k := 0; k < nv; k++ {
		v, val := int(pairs[2*k]), int(pairs[2*k+1])
		if v < 0 || v >= nv {
			return nil, fmt.Errorf("label pair %d names vertex %d of %d", k, v, nv)
		}
		// Value 0 means "no label" (nibabel maps it to -1 whatever the table holds).
		if i, ok := index[val]; ok && val != 0 {
			a.Labels[v] = i
		}
	}
	return a, nil
}
