package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"

	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
)

// Tokens authenticates bearer tokens it has handed out. It implements
// authenticator.Token.
type Tokens struct {
	mu    sync.RWMutex
	users map[string]user.Info
}

var _ authenticator.Token = (*Tokens)(nil)

// Add returns a new bearer token that authenticates as u. Every
// authenticated identity is in the system:authenticated group, as
// upstream's authenticators make it.
func (t *Tokens) Add(u user.Info) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make token for %s: %w", u.GetName(), err)
	}
	token := hex.EncodeToString(b)
	info := &user.DefaultInfo{Name: u.GetName(), UID: u.GetUID(), Groups: withAuthenticated(u.GetGroups()), Extra: u.GetExtra()}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.users == nil {
		t.users = map[string]user.Info{}
	}
	t.users[token] = info
	return token, nil
}

// AuthenticateToken implements authenticator.Token.
func (t *Tokens) AuthenticateToken(_ context.Context, token string) (*authenticator.Response, bool, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	u, ok := t.users[token]
	if !ok {
		return nil, false, nil
	}
	return &authenticator.Response{User: u}, true, nil
}

// ServiceAccount is the identity of a service account's tokens.
func ServiceAccount(namespace, name string) user.Info {
	return &user.DefaultInfo{Name: serviceaccount.MakeUsername(namespace, name), Groups: serviceaccount.MakeGroupNames(namespace)}
}

func withAuthenticated(groups []string) []string {
	for _, g := range groups {
		if g == user.AllAuthenticated {
			return groups
		}
	}
	return append(append([]string{}, groups...), user.AllAuthenticated)
}
