package store

import (
	"fmt"
	"testing"
)

// BenchmarkCreate measures storing a new pod, the store's share of an API
// create.
func BenchmarkCreate(b *testing.B) {
	s, _ := newStore(&testing.T{})
	i := 0
	for b.Loop() {
		if _, err := s.Create("pods", pod("default", fmt.Sprintf("p%d", i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGet measures reading a pod back.
func BenchmarkGet(b *testing.B) {
	s, _ := newStore(&testing.T{})
	for i := 0; i < 1000; i++ {
		if _, err := s.Create("pods", pod("default", fmt.Sprintf("p%d", i))); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := s.Get("pods", "default", "p500"); err != nil {
			b.Fatal(err)
		}
	}
}
