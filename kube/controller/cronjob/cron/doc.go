// Package cron parses CronJob schedules and computes when they fire next,
// with the syntax and behaviour that kube-controller-manager gets from
// github.com/robfig/cron/v3's ParseStandard:
//
//   - five fields, minute hour day-of-month month day-of-week, each a
//     comma list of "*" (or "?"), a value, or a range "a-b", optionally
//     stepped "/n" ("a/n" means from a to the field's maximum); months
//     and weekdays may be named (jan-dec, sun-sat, any case);
//   - the descriptors @yearly, @annually, @monthly, @weekly, @daily,
//     @midnight, @hourly and @every <duration>;
//   - an optional "TZ=<zone> " or "CRON_TZ=<zone> " prefix naming the time
//     zone the fields are read in.
//
// Day-of-month and day-of-week combine as in Vixie cron: when both are
// restricted a day matches either; when one of them is "*" (unstepped)
// the other alone decides.
//
// Start with Parse. A Schedule's Next returns the first instant after a
// given time whose wall clock, in the schedule's zone, matches every
// field. Across daylight-saving changes this means a time that does not
// exist that day is skipped (02:30 on a spring-forward night) and a time
// that happens twice runs twice (01:30 on a fall-back night), as with
// robfig/cron. Next returns the zero time when nothing matches within five
// years (e.g. "0 0 30 2 *").
//
// Without a TZ= prefix the fields are read in UTC. kube-controller-manager
// reads them in its process's local zone, which is UTC in the usual
// container images; kubesim fixes it so that results do not depend on the
// machine running the tests.
package cron
