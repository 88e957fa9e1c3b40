// Command study measures painmark's study runner from ROI time series to the cohort feature table
// (partial correlation, Ledoit-Wolf, one unit per run plus the table): throughput in runs per
// second for cohorts of 100, 1,000 and 10,000 synthetic runs (a cold run, then a re-run that finds
// everything cached), how the cost grows with the cohort, and, with -slurm on a machine with a
// Slurm cluster, the overhead per task of the Slurm executor against the local pool on the same
// study. Run from the repository root:
//
//	go run ./bench/study [-sizes 100,1000,10000] [-regions 20] [-frames 120] [-slurm 40]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

func main() {
	sizes := flag.String("sizes", "100,1000,10000", "cohort sizes (runs)")
	regions := flag.Int("regions", 20, "regions per run")
	frames := flag.Int("frames", 120, "frames per run")
	slurm := flag.Int("slurm", 0, "runs of a study also run on the Slurm cluster (0: skip)")
	dir := flag.String("dir", filepath.Join("bench", "out", "study"), "working folder")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	fmt.Printf("cohort feature table from ROI time series (%d regions x %d frames per run, partial correlation), local pool on %d cores\n", *regions, *frames, numCPU())
	fmt.Printf("%8s %12s %12s %14s %14s\n", "runs", "cold (s)", "runs/s", "re-run (s)", "per run (ms)")
	var prevN, prevT float64
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		must(err)
		root := filepath.Join(*dir, fmt.Sprintf("n%d", n))
		os.RemoveAll(root)
		writeRuns(filepath.Join(root, "roi"), n, *regions, *frames)
		st := writeStudy(root, "local")
		cold, _ := runLocal(st)
		warm, cached := runLocal(st)
		if cached != 0 {
			must(fmt.Errorf("the re-run computed %d units", cached))
		}
		growth := ""
		if prevN > 0 {
			growth = fmt.Sprintf("  x%.1f cost for x%.0f runs", cold/prevT, float64(n)/prevN)
		}
		fmt.Printf("%8d %12.2f %12.0f %14.3f %14.3f%s\n", n, cold, float64(n)/cold, warm, 1000*cold/float64(n), growth)
		prevN, prevT = float64(n), cold
		os.RemoveAll(root)
	}
	if *slurm > 0 {
		if _, err := exec.LookPath("sbatch"); err != nil {
			fmt.Println("\nSlurm: sbatch not found (start ../shared/scripts/start-local-slurm.sh)")
			return
		}
		bin := filepath.Join(*dir, "painmark")
		abs, _ := filepath.Abs(bin)
		out, err := exec.Command("go", "build", "-o", abs, "./cmd/painmark").CombinedOutput()
		if err != nil {
			must(fmt.Errorf("go build: %v: %s", err, out))
		}
		root, _ := filepath.Abs(filepath.Join(*dir, "slurm"))
		os.RemoveAll(root)
		writeRuns(filepath.Join(root, "roi"), *slurm, *regions, *frames)
		local, _ := runLocal(writeStudy(root, "local"))
		os.RemoveAll(filepath.Join(root, "out"))
		s, err := pipeline.Load(writeStudy(root, "slurm"))
		must(err)
		// The freshly built binary has this program's version (same source tree).
		p, err := s.Plan(version.String())
		must(err)
		start := time.Now()
		_, err = p.RunSlurm(study.SlurmOptions{Painmark: abs, Name: "bench", Poll: 200 * time.Millisecond}, nil)
		must(err)
		cluster := time.Since(start).Seconds()
		tasks := len(p.Units)
		fmt.Printf("\nSlurm (local one-node cluster): %d units in %.1f s vs %.2f s with the local pool: overhead %.2f s per task (%d tasks, 2 job arrays)\n",
			tasks, cluster, local, (cluster-local)/float64(tasks), tasks)
		// The same with 10 units per array task.
		os.RemoveAll(filepath.Join(root, "out"))
		p, err = s.Plan(version.String())
		must(err)
		start = time.Now()
		_, err = p.RunSlurm(study.SlurmOptions{Painmark: abs, Name: "bench", Poll: 200 * time.Millisecond, Chunk: 10}, nil)
		must(err)
		chunked := time.Since(start).Seconds()
		ntasks := (tasks-1+9)/10 + 1
		fmt.Printf("Slurm with 10 units per task (chunk = 10): %.1f s, %d tasks: overhead %.2f s per task, %.3f s per unit\n", chunked, ntasks, (chunked-local)/float64(ntasks), (chunked-local)/float64(tasks))
	}
}

func numCPU() int { return runtime.GOMAXPROCS(0) }

// runLocal runs a study with the local pool and returns the seconds and the units computed.
func runLocal(path string) (float64, int) {
	s, err := pipeline.Load(path)
	must(err)
	start := time.Now()
	p, err := s.Plan(version.String())
	must(err)
	n, err := p.RunLocal(pipeline.Build, nil)
	must(err)
	must(s.Publish(p))
	return time.Since(start).Seconds(), n
}

func writeRuns(dir string, n, regions, frames int) {
	must(os.MkdirAll(dir, 0o755))
	rng := rand.New(rand.NewPCG(1, 2))
	for s := 0; s < n; s++ {
		cols := make([]*table.Column, regions)
		for r := range cols {
			v := make([]float64, frames)
			for f := range v {
				v[f] = rng.NormFloat64()
			}
			cols[r] = table.NumericColumn(fmt.Sprintf("R%02d", r), v)
		}
		must(table.Write(filepath.Join(dir, fmt.Sprintf("sub-%05d_task-rest_timeseries.tsv", s)), &table.Table{Columns: cols}))
	}
}

func writeStudy(root, executor string) string {
	path := filepath.Join(root, "study.toml")
	must(os.WriteFile(path, []byte(fmt.Sprintf("name = \"bench\"\noutput = \"out\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nkind = \"partial correlation\"\n[executor]\ntype = %q\n", executor)), 0o644))
	return path
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "study:", err)
		os.Exit(1)
	}
}
