//go:build ignore

// generate writes fsaverage5_dk.bin.gz, the cortical mesh painmark draws Desikan-Killiany maps
// on, from the ENIGMA Toolbox's fsaverage5 pial surfaces and aparc annotations
// (MICA-MNI/ENIGMA @ d66a7ef, BSD-3-Clause; ../shared/data/enigma). Run from the repository root:
//
//	go run report/fsaverage5/generate.go ../shared/data/enigma
//
// Layout (little-endian): uint32 vertices per hemisphere V, uint32 faces F; left then right
// pial coordinates as float32 x, y, z (V each); the faces shared by both hemispheres as uint16
// triples (F); left then right labels as uint8 per vertex (0: medial wall, k: the k-th name of
// names.txt).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/freesurfer"
	"github.com/painmark/painmark/gifti"
)

func main() {
	root := os.Args[1]
	var buf bytes.Buffer
	var names []string
	index := map[string]int{}
	var labels [2][]byte
	var faces [][3]int
	for h, side := range []string{"lh", "rh"} {
		m, err := gifti.ReadSurface(filepath.Join(root, "surfaces", "fsa5_"+side+".gii"))
		must(err)
		a, err := freesurfer.ReadAnnotation(filepath.Join(root, "annot", "fsa5_"+side+"_aparc.annot"))
		must(err)
		if h == 0 {
			binary.Write(&buf, binary.LittleEndian, []uint32{uint32(len(m.Vertices)), uint32(len(m.Faces))})
			faces = m.Faces
		} else if fmt.Sprint(faces) != fmt.Sprint(m.Faces) {
			must(fmt.Errorf("the hemispheres' faces differ"))
		}
		for _, v := range m.Vertices {
			binary.Write(&buf, binary.LittleEndian, []float32{float32(v[0]), float32(v[1]), float32(v[2])})
		}
		labels[h] = make([]byte, len(a.Labels))
		for v, l := range a.Labels {
			if l < 0 || a.Table[l].Name == "unknown" || a.Table[l].Name == "corpuscallosum" {
				continue
			}
			name := a.Table[l].Name
			if _, ok := index[name]; !ok {
				names = append(names, name)
				index[name] = len(names)
			}
			labels[h][v] = byte(index[name])
		}
	}
	for _, f := range faces {
		binary.Write(&buf, binary.LittleEndian, []uint16{uint16(f[0]), uint16(f[1]), uint16(f[2])})
	}
	buf.Write(labels[0])
	buf.Write(labels[1])
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(buf.Bytes())
	zw.Close()
	must(os.WriteFile("report/fsaverage5/fsaverage5_dk.bin.gz", z.Bytes(), 0o644))
	must(os.WriteFile("report/fsaverage5/names.txt", []byte(strings.Join(names, "\n")+"\n"), 0o644))
	fmt.Printf("%d regions, %d bytes\n", len(names), z.Len())
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
