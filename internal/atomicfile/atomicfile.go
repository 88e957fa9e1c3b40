// Package atomicfile writes files so that a reader never sees a half-written output under its final
// name: data go to a hidden temporary file in the same folder, which is synced and renamed into place
// only when the writer commits. A temporary is named ".name.tmp-<pid>@<host>-<random>"; an
// interrupted run leaves it behind, and the next write of the same name removes it when its writer
// is gone (sweep).
package atomicfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tmpTag is the part of a temporary's name after ".tmp-" that identifies its writer.
var tmpTag = func() string {
	host, _ := os.Hostname()
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, host)
	if len(clean) > 32 {
		clean = clean[:32]
	}
	return strconv.Itoa(os.Getpid()) + "@" + clean
}()

// staleAge is when a temporary whose writer cannot be checked (another host, an older naming) is
// taken for an orphan.
const staleAge = 24 * time.Hour

// orphan reports whether the temporary named name (".base.tmp-<tag>-<random>") was left by a
// writer that is gone: a process of this host that no longer runs, or any writer a day ago.
func orphan(name string, mod time.Time) bool {
	_, rest, ok := strings.Cut(name, ".tmp-")
	if !ok {
		return false
	}
	if time.Since(mod) > staleAge {
		return true
	}
	pidText, hostRest, ok := strings.Cut(rest, "@")
	host := tmpTag[strings.Index(tmpTag, "@")+1:]
	if !ok || !strings.HasPrefix(hostRest, host+"-") {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err != nil && !errors.Is(err, syscall.EPERM)
}

// sweep removes the orphaned temporaries (files or staging folders) of base in dir.
func sweep(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+".tmp-*"))
	for _, m := range matches {
		if st, err := os.Lstat(m); err == nil && orphan(filepath.Base(m), st.ModTime()) {
			os.RemoveAll(m)
		}
	}
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)
	return r.Replace(s)
}

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
	sweep(dir, base)
	f, err := os.CreateTemp(dir, "."+base+".tmp-"+tmpTag+"-*")
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

// WriteDir writes a folder of outputs all or nothing: write fills a hidden staging folder beside
// dir; when it succeeds, the staging folder becomes dir (or, when dir exists, each entry written is
// renamed into it, folders merged), and when it fails the staging folder is removed, so a failed command leaves no
// final-named output. Orphaned staging folders of dir are swept.
func WriteDir(dir string, write func(stage string) error) error {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	sweep(parent, base)
	stage, err := os.MkdirTemp(parent, "."+base+".tmp-"+tmpTag+"-*")
	if err != nil {
		return fmt.Errorf("cannot create a staging folder for %s: %w", dir, err)
	}
	defer os.RemoveAll(stage) // nothing left once moved
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	if err := write(stage); err != nil {
		return err
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return os.Rename(stage, dir)
	}
	return moveInto(stage, dir)
}

// moveInto renames every entry of folder src into folder dst, replacing files of the same name and
// merging into folders that exist (a second run into the same output folder).
func moveInto(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if st, err := os.Stat(to); err == nil && st.IsDir() && e.IsDir() {
			if err := moveInto(from, to); err != nil {
				return err
			}
			continue
		}
		if err := os.Rename(from, to); err != nil {
			return fmt.Errorf("%s: %w", dst, err)
		}
	}
	return nil
}
