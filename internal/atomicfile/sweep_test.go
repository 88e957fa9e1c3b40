package atomicfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A temporary left by a killed writer (connectome killed mid-run) is swept by the next write of the
// same name; a live writer's, another host's recent one and other names are kept (issue 21).
func TestOrphanTemporariesSwept(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no child process to take a dead pid from")
	}
	dead := cmd.Process.Pid
	host := tmpTag[strings.Index(tmpTag, "@")+1:]
	names := map[string]bool{ // name: swept
		".conn.npy.tmp-" + strconv.Itoa(dead) + "@" + host + "-123": true,
		".conn.npy.tmp-" + tmpTag + "-456":                          false, // this process: alive
		".conn.npy.tmp-1@" + host + "-789":                          false, // pid 1 is alive (EPERM or not)
		".conn.npy.tmp-" + strconv.Itoa(dead) + "@elsewhere-1":      false,
		".other.npy.tmp-" + strconv.Itoa(dead) + "@" + host + "-1":  false,
	}
	for n := range names {
		os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644)
	}
	old := filepath.Join(dir, ".conn.npy.tmp-99999999")
	os.WriteFile(old, nil, 0o644)
	longAgo := time.Now().Add(-2 * staleAge)
	os.Chtimes(old, longAgo, longAgo)
	if err := WriteFile(filepath.Join(dir, "conn.npy"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	for n, swept := range names {
		_, err := os.Stat(filepath.Join(dir, n))
		if gone := errors.Is(err, os.ErrNotExist); gone != swept {
			t.Errorf("%s: removed %v, want %v", n, gone, swept)
		}
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Error("a day-old temporary was kept")
	}
}

// WriteDir: a failed write leaves neither the folder nor the staging folder; a successful one
// creates the folder, or moves its files into an existing one beside what is there.
func TestWriteDirAllOrNothing(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "train")
	err := WriteDir(out, func(stage string) error {
		os.WriteFile(filepath.Join(stage, "model.json"), []byte("{}"), 0o644)
		return errors.New("json: unsupported value: NaN")
	})
	if err == nil {
		t.Fatal("the failure was lost")
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Fatalf("after a failure: %v", entries)
	}
	write := func(stage string) error { return os.WriteFile(filepath.Join(stage, "model.json"), []byte("{}"), 0o644) }
	if err := WriteDir(out, write); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(out, "model.json")); err != nil || st.Size() != 2 {
		t.Fatalf("model.json: %v", err)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	if err := WriteDir(out, write); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Errorf("existing folder: %v", entries)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}

// TestWriteDirMergesFolders: writing into an existing output folder replaces its files and merges
// a subfolder that exists (a second run of a command into the same folder).
func TestWriteDirMergesFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	write := func(v string) error {
		return WriteDir(dir, func(stage string) error {
			os.MkdirAll(filepath.Join(stage, "matrices"), 0o755)
			if err := os.WriteFile(filepath.Join(stage, "matrices", "sub-"+v+".tsv"), []byte(v), 0o644); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(stage, "features.tsv"), []byte(v), 0o644)
		})
	}
	if err := write("1"); err != nil {
		t.Fatal(err)
	}
	if err := write("2"); err != nil {
		t.Fatalf("second write into the folder: %v", err)
	}
	for name, want := range map[string]string{"features.tsv": "2", "matrices/sub-1.tsv": "1", "matrices/sub-2.tsv": "2"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q %v, want %q", name, b, err, want)
		}
	}
}
