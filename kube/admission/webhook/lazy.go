package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"

	"github.com/kubesim/kubesim/store"
)

// lazyPlugin holds one upstream plugin, built and initialized at the
// first request that needs it.
type lazyPlugin struct {
	name    string
	plugins *Plugins
	// needed reports whether the store holds anything for the plugin to
	// act on; until it does, requests skip the plugin.
	needed func(*store.View) bool
	// sync, when set, catches the plugin's informers up with the store
	// before a request.
	sync  func()
	build func() (admission.Interface, error)

	mu     sync.Mutex
	plugin admission.Interface
	err    error
}

// Handles implements admission.Interface: the operations upstream's
// webhook and policy plugins handle.
func (l *lazyPlugin) Handles(op admission.Operation) bool {
	switch op {
	case admission.Create, admission.Update, admission.Delete, admission.Connect:
		return true
	}
	return false
}

// get returns the plugin, building it if needed, or nil when the store
// holds nothing for it.
func (l *lazyPlugin) get() (admission.Interface, error) {
	if !l.needed(l.plugins.config.Store.View()) {
		return nil, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plugin == nil && l.err == nil {
		l.plugin, l.err = l.init()
	}
	if l.err != nil {
		return nil, apierrors.NewInternalError(fmt.Errorf("admission plugin %s: %w", l.name, l.err))
	}
	if l.sync != nil {
		l.sync()
	}
	return l.plugin, nil
}

func (l *lazyPlugin) init() (admission.Interface, error) {
	l.plugins.mu.Lock()
	closed := l.plugins.closed
	l.plugins.mu.Unlock()
	if closed {
		return nil, errors.New("the API server is stopping")
	}
	init, err := l.plugins.initializers()
	if err != nil {
		return nil, err
	}
	p, err := l.build()
	if err != nil {
		return nil, err
	}
	init.Initialize(p)
	if err := admission.ValidateInitialization(p); err != nil {
		return nil, err
	}
	return p, nil
}

// mutatingPlugin is the admission chain's face of a lazy mutating plugin.
type mutatingPlugin struct{ *lazyPlugin }

var _ admission.MutationInterface = mutatingPlugin{}

// Admit implements admission.MutationInterface.
func (m mutatingPlugin) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	p, err := m.get()
	if p == nil {
		return err
	}
	if mp, ok := p.(admission.MutationInterface); ok {
		return mp.Admit(ctx, a, o)
	}
	return nil
}

// validatingPlugin is the admission chain's face of a lazy validating
// plugin.
type validatingPlugin struct{ *lazyPlugin }

var _ admission.ValidationInterface = validatingPlugin{}

// Validate implements admission.ValidationInterface.
func (v validatingPlugin) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	p, err := v.get()
	if p == nil {
		return err
	}
	if vp, ok := p.(admission.ValidationInterface); ok {
		return vp.Validate(ctx, a, o)
	}
	return nil
}
