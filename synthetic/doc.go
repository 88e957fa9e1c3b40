// Package synthetic holds painmark's simulators: data with a known answer for integration tests,
// benchmarks, tutorials and the README's examples. Each simulator has one name, used by the Go
// call and by the command that writes it:
//
//   - CSps study: Generate(Options) → *Study, Study.Write; painmark synthetic csps. Corticospinal
//     cohorts (training, retest, independent, task, two clinical, pre/post) of ROI time series
//     with planted pain-sensitivity edges (Lin et al. 2025's protocol).
//   - Decoding participant: SimulateParticipant(ParticipantOptions) → *Participant,
//     Participant.Write; painmark synthetic participant. One densely sampled person with
//     continuous pain ratings, for painmark decode (Lee et al. 2026).
//   - Morphometry cohort: SimulateMorph(MorphOptions) → *MorphCohort, MorphCohort.Write;
//     painmark synthetic morph. Cases and controls with FreeSurfer's five measures over DK-68 as
//     ENIGMA tables, cases differing in planted regions, for painmark morph (Martins et al. 2022).
//   - Target-planning participant: target.SimulateParticipant(seed, timepoints) →
//     *target.Simulation; painmark synthetic target-participant. A voxel grid with planted SCAN,
//     AMN and effector networks; it lives in package target because it builds target's Dataset.
//   - Task fMRI study: SimulateTask(TaskOptions) → *Task, Task.Write; painmark synthetic task.
//     Heat and warm trials in BIDS runs on an 8 mm MNI grid with planted trial responses (a pain
//     pattern telling heat from warm), for painmark glm, single-trial models and pattern signatures.
//   - MNI images: WriteBOLD and WriteParcellation (a 2 mm MNI BOLD run and a parcellation, for
//     the reader and extraction benchmarks), WriteExampleRun and WriteConfounds (the tiny
//     fMRIPrep run under testdata/example-fmriprep and fMRIPrep confounds tables, for tests).
package synthetic
