package synthetic

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// CheckOutputDir refuses an output folder that exists and is not empty: a simulator writes a whole
// study with a known answer, and files left by another run (or the wrong folder, such as a Go
// package folder) would mix into it unnoticed. A missing folder or an empty one is accepted.
// The commands under painmark synthetic call it before simulating anything.
func CheckOutputDir(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder", dir)
	}
	names, err := f.Readdirnames(1)
	if err != nil && err != io.EOF {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("output folder %s is not empty (it holds %s): give a new or empty folder", dir, names[0])
	}
	return nil
}
