// Package ginkgo is an example Ginkgo suite on kubesim: each spec starts
// its own cluster with testkit.Start(GinkgoT()), waits with
// env.Eventually on the virtual clock, asserts with testkit's matchers,
// and a failed spec leaves its report (the pods' story and an HTML
// timeline) in testdata/reports via ReportAfterEach. The scenarios are the
// seed documents' lifecycle examples. Start with seeds_test.go.
package ginkgo
