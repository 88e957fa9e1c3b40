// Package atomicfile writes files so that a reader never sees a half-written output under its final
// name: data go to a hidden temporary file in the same folder, which is synced and renamed into place
// only when the writer commits. An interrupted run leaves at most a ".name.tmp-*" file behind.
package atomicfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// File is a temporary file that becomes Path on Commit.
type File struct {
	*os.File
	Path string // the final name
	done bool
}

// Create opens a temporary file beside path.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	return &File{File: f, Path: path}, nil
}

// Commit flushes the data to disk and renames the file to its final name.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: already committed or aborted", f.Path)
	}
	f.done = true
	tmp := f.File.Name()
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	// CreateTemp makes files 0600; outputs are ordinary files.
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	return nil
}

// Abort discards the temporary file. It is safe to call after Commit (it then does nothing), so
// callers can `defer f.Abort()`.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// WriteJSON writes v as indented JSON (two spaces, a final newline) to path atomically: the form
// of painmark's result files.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(b, '\n'))
}
