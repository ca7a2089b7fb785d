// Package cronjob creates Jobs on a schedule, as kube-controller-manager's
// "cronjob" controller (pkg/controller/cronjob, the v2 controller) does.
//
// Start with Add (cronjob.go) and Controller.Reconcile (sync.go). A sync
// of a CronJob:
//   - reconciles status.active with the Jobs it controls: finished ones
//     leave it (SawCompletedJob), vanished ones too (MissingJob), and the
//     newest completion sets status.lastSuccessfulTime;
//   - deletes the oldest finished Jobs beyond successfulJobsHistoryLimit
//     and failedJobsHistoryLimit (cleanup.go);
//   - unless suspended, works out the most recent schedule time not yet
//     run (schedule.go, with the parser in package cron), honouring
//     startingDeadlineSeconds and warning when more than 100 were missed;
//     applies concurrencyPolicy (Allow, Forbid, Replace); creates the Job
//     "<cronjob>-<scheduled time in minutes since the epoch>" with the
//     batch.kubernetes.io/cronjob-scheduled-timestamp annotation; and sets
//     status.lastScheduleTime;
//   - asks to be reconciled again at the next schedule time, on the
//     virtual clock, so that advancing time runs every firing on time.
//
// The Jobs' pods are the job controller's business.
package cronjob
