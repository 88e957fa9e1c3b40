package study

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"golang.org/x/sys/unix"
)

// A study runs as a plan of units: a step applied to one input (one run's time series) or to the
// outputs of other units (the cohort table). Each unit's outputs live in a cache folder named by
// its content address, a hash of the step, its options, the software version, the content of its
// input files and the addresses of the units it depends on. A unit is built in a temporary folder
// renamed into place when complete, so an interrupted run leaves no partial output under a final
// name, a re-run recomputes only what is missing, and the same plan built locally or by Slurm
// array tasks gives the same bytes.

// Unit is one piece of work of a plan.
type Unit struct {
	Step    string          `json:"step"`
	Name    string          `json:"name"`
	Key     string          `json:"key"`
	Inputs  []string        `json:"inputs,omitempty"`
	Deps    []int           `json:"deps,omitempty"` // indices of the units it needs
	Options json.RawMessage `json:"options,omitempty"`
}

// Plan is the units of a study in dependency order (every unit after the units it needs).
type Plan struct {
	Study   string `json:"study"`
	Version string `json:"version"`
	Cache   string `json:"cache"`
	Units   []Unit `json:"units"`
}

// Builder computes one unit's outputs into dir (a fresh temporary folder); deps are the cache
// folders of the units it depends on, in Deps order.
type Builder func(u Unit, dir string, deps []string) error

// NewUnit makes a unit and its content address: the SHA-256 of the step, the options (JSON), the
// version, the input files' content hashes and the dependencies' keys.
func NewUnit(step, name string, options any, version string, inputs []string, hashes *FileHashes, deps []int, plan []Unit) (Unit, error) {
	opt, err := json.Marshal(options)
	if err != nil {
		return Unit{}, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "step %s\nversion %s\noptions %s\n", step, version, opt)
	for _, in := range inputs {
		sum, err := hashes.Sum(in)
		if err != nil {
			return Unit{}, err
		}
		fmt.Fprintf(h, "input %s\n", sum)
	}
	for _, d := range deps {
		fmt.Fprintf(h, "dep %s\n", plan[d].Key)
	}
	return Unit{Step: step, Name: name, Key: hex.EncodeToString(h.Sum(nil)), Inputs: inputs, Deps: deps, Options: opt}, nil
}

// Dir is a unit's cache folder.
func (p *Plan) Dir(u Unit) string { return filepath.Join(p.Cache, u.Step, u.Key) }

// Done reports whether a unit's outputs are in the cache.
func (p *Plan) Done(u Unit) bool {
	st, err := os.Stat(p.Dir(u))
	return err == nil && st.IsDir()
}

// Missing lists the indices of the units not yet in the cache, by step.
func (p *Plan) Missing() map[string][]int {
	out := map[string][]int{}
	for i, u := range p.Units {
		if !p.Done(u) {
			out[u.Step] = append(out[u.Step], i)
		}
	}
	return out
}

// StepProgress is how far one step of a plan is: units built (cached) of all its units.
type StepProgress struct {
	Step         string
	Built, Total int
}

// Progress lists every step's progress, in the order of Steps.
func (p *Plan) Progress() []StepProgress {
	missing := p.Missing()
	out := make([]StepProgress, 0)
	for _, step := range p.Steps() {
		total := 0
		for _, u := range p.Units {
			if u.Step == step {
				total++
			}
		}
		out = append(out, StepProgress{Step: step, Built: total - len(missing[step]), Total: total})
	}
	return out
}

// Steps lists the plan's steps in order of first appearance.
func (p *Plan) Steps() []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range p.Units {
		if !seen[u.Step] {
			seen[u.Step] = true
			out = append(out, u.Step)
		}
	}
	return out
}

// BuildUnit builds unit i if it is not cached: into a temporary folder beside its final place,
// renamed when complete (if another worker finished first, its result is kept). It reports
// whether it computed the unit.
func (p *Plan) BuildUnit(i int, build Builder) (bool, error) {
	u := p.Units[i]
	if p.Done(u) {
		return false, nil
	}
	deps := make([]string, len(u.Deps))
	for k, d := range u.Deps {
		if !p.Done(p.Units[d]) {
			return false, fmt.Errorf("unit %s/%s needs %s/%s, which is not built", u.Step, u.Name, p.Units[d].Step, p.Units[d].Name)
		}
		deps[k] = p.Dir(p.Units[d])
	}
	final := p.Dir(u)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return false, err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(final), ".tmp-"+u.Key[:16]+"-"+hex.EncodeToString(rnd[:]))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return false, err
	}
	if err := build(u, tmp, deps); err != nil {
		os.RemoveAll(tmp)
		return false, fmt.Errorf("%s %s: %w", u.Step, u.Name, err)
	}
	if err := syncDir(tmp); err != nil {
		os.RemoveAll(tmp)
		return false, err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		if p.Done(u) { // built meanwhile by another worker: same key, same bytes
			return false, nil
		}
		return false, err
	}
	return true, syncDir(filepath.Dir(final))
}

// syncDir flushes a folder's files and the folder itself to disk, so that a renamed result
// survives a crash.
func syncDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// CleanTemporary removes the temporary folders left by interrupted builds.
func (p *Plan) CleanTemporary() error {
	for _, s := range p.Steps() {
		matches, _ := filepath.Glob(filepath.Join(p.Cache, s, ".tmp-*"))
		for _, m := range matches {
			if err := os.RemoveAll(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// RunLocal builds the missing units with a pool of workers, step after step (the units of a step
// in parallel), logging progress with an estimate of the time left. It returns the number of units
// computed (the others were cached).
func (p *Plan) RunLocal(build Builder, logger *slog.Logger) (int, error) {
	computed := 0
	for _, step := range p.Steps() {
		var todo []int
		for i, u := range p.Units {
			if u.Step == step && !p.Done(u) {
				todo = append(todo, i)
			}
		}
		if len(todo) == 0 {
			continue
		}
		start := time.Now()
		var mu sync.Mutex
		done, last := 0, time.Now()
		errs := make([]error, len(todo))
		made := make([]bool, len(todo))
		bar := progress.Loop("study: " + step)
		parallel.For(len(todo), func(k int) {
			made[k], errs[k] = p.BuildUnit(todo[k], build)
			mu.Lock()
			done++
			if bar != nil {
				bar(done, len(todo))
			}
			if logger != nil && (time.Since(last) > 2*time.Second || done == len(todo)) {
				last = time.Now()
				el := time.Since(start)
				eta := time.Duration(float64(el) / float64(done) * float64(len(todo)-done))
				logger.Info("study: step progress", "step", step, "done", done, "of", len(todo), "elapsed", el.Round(time.Millisecond), "eta", eta.Round(time.Second))
			}
			mu.Unlock()
		})
		for k, err := range errs {
			if err != nil {
				return computed, err
			}
			if made[k] {
				computed++
			}
		}
	}
	return computed, nil
}

// WritePlan saves the plan (for Slurm array tasks, which build units from it) atomically and
// returns its path.
func (p *Plan) WritePlan() (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	path := filepath.Join(p.Cache, "plans", hex.EncodeToString(sum[:8])+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// ReadPlan loads a saved plan.
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: not a study plan: %w", path, err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%s: not a study plan written by painmark run: %w", path, err)
	}
	return &p, nil
}

// check refuses a plan that could not have been planned (an edited or corrupt file): every unit's
// step is a plain folder name and its key a SHA-256 in hex (together its cache folder, which must
// stay inside the cache), and it depends only on units before it.
func (p *Plan) check() error {
	for i, u := range p.Units {
		if u.Step == "" || u.Step == "." || u.Step == ".." || strings.ContainsAny(u.Step, `/\`) {
			return fmt.Errorf("unit %d: step %q is not a folder name", i, u.Step)
		}
		if k, err := hex.DecodeString(u.Key); err != nil || len(k) != sha256.Size {
			return fmt.Errorf("unit %d (%s %s): key %q is not a SHA-256", i, u.Step, u.Name, u.Key)
		}
		for _, d := range u.Deps {
			if d < 0 || d >= i {
				return fmt.Errorf("unit %d (%s %s): dependency %d is not an earlier unit", i, u.Step, u.Name, d)
			}
		}
	}
	return nil
}

// Lock is an exclusive lock on a study's output folder, so two runs never write the same outputs.
type Lock struct {
	f    *os.File
	path string
}

// AcquireLock takes the lock of a folder (OUT/.lock) or says which process holds it.
func AcquireLock(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		holder, _ := io.ReadAll(f)
		f.Close()
		return nil, fmt.Errorf("%s is locked by another painmark run (%s): wait for it or stop it", dir, strings.TrimSpace(string(holder)))
	}
	// The lock file is removed on release: a run that opened it just before then holds a lock on
	// a removed file, so it checks that the path is still its file.
	if fi, err := f.Stat(); err != nil || !sameFile(fi, path) {
		f.Close()
		return nil, fmt.Errorf("%s is locked by another painmark run: wait for it or stop it", dir)
	}
	f.Truncate(0)
	f.Seek(0, 0)
	host, _ := os.Hostname()
	fmt.Fprintf(f, "pid %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	return &Lock{f: f, path: path}, nil
}

func sameFile(fi os.FileInfo, path string) bool {
	st, err := os.Stat(path)
	return err == nil && os.SameFile(fi, st)
}

// Release frees the lock and removes the lock file.
func (l *Lock) Release() {
	if l != nil && l.f != nil {
		os.Remove(l.path)
		unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
		l.f.Close()
	}
}

// FileHashes computes files' SHA-256 once: hashes are remembered in the cache (hashes.json) by
// path and file identity (size, modification and change time, device and inode), so a re-run does
// not read unchanged inputs again, while a file edited in place, even to the same size and
// modification time, is read again (its change time moves; touch -m cannot set it back).
type FileHashes struct {
	path    string
	mu      sync.Mutex
	entries map[string]hashEntry
	changed bool
	// Verify re-reads every file instead of trusting the remembered identity (a content hash on
	// request). LoadFileHashes sets it when PAINMARK_CACHE_VERIFY is 1.
	Verify bool
}

type hashEntry struct {
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime_ns"`
	CTime int64  `json:"ctime_ns"`
	Dev   uint64 `json:"dev"`
	Inode uint64 `json:"inode"`
	Sum   string `json:"sha256"`
}

// identity is a file's hashEntry without its sum.
func identity(st os.FileInfo) hashEntry {
	e := hashEntry{Size: st.Size(), MTime: st.ModTime().UnixNano()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		e.CTime = sys.Ctim.Sec*1e9 + sys.Ctim.Nsec
		e.Dev, e.Inode = uint64(sys.Dev), sys.Ino
	}
	return e
}

// LoadFileHashes reads the remembered hashes of a cache folder.
func LoadFileHashes(cache string) *FileHashes {
	h := &FileHashes{path: filepath.Join(cache, "hashes.json"), entries: map[string]hashEntry{}, Verify: os.Getenv("PAINMARK_CACHE_VERIFY") == "1"}
	if b, err := os.ReadFile(h.path); err == nil {
		json.Unmarshal(b, &h.entries)
	}
	return h
}

// Sum is a file's SHA-256 (hex).
func (h *FileHashes) Sum(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	id := identity(st)
	h.mu.Lock()
	e, ok := h.entries[abs]
	h.mu.Unlock()
	if ok && !h.Verify {
		known := e
		known.Sum = ""
		if known == id {
			return e.Sum, nil
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := sha256.New()
	if _, err := io.Copy(s, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	sum := hex.EncodeToString(s.Sum(nil))
	h.mu.Lock()
	id.Sum = sum
	if e != id {
		h.entries[abs] = id
		h.changed = true
	}
	h.mu.Unlock()
	return sum, nil
}

// Save writes the remembered hashes (atomically).
func (h *FileHashes) Save() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.changed {
		return nil
	}
	b, err := json.Marshal(h.entries) // map keys are written sorted
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(h.path, b)
}
