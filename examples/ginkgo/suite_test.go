package ginkgo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSeeds(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Seed scenarios on kubesim")
}
