package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/utils/clock"

	"github.com/kubesim/kubesim/store"
)

// Issuer is the service account issuer, kube-apiserver's
// --service-account-issuer as kubeadm sets it; it is also the API
// server's only audience (--api-audiences defaults to the issuer).
const Issuer = "https://kubernetes.default.svc.cluster.local"

// APIAudiences are the audiences the API server accepts tokens for, and
// those a TokenRequest that names none gets.
var APIAudiences = []string{Issuer}

// Keys of the extra information a bound token's user carries
// (k8s.io/kubernetes/pkg/serviceaccount).
const (
	extraPodName      = "authentication.kubernetes.io/pod-name"
	extraPodUID       = "authentication.kubernetes.io/pod-uid"
	extraNodeName     = "authentication.kubernetes.io/node-name"
	extraNodeUID      = "authentication.kubernetes.io/node-uid"
	extraCredentialID = "authentication.kubernetes.io/credential-id"
)

// ServiceAccountTokens issues the tokens of the TokenRequest API and
// authenticates them, as kube-apiserver's service account token issuer
// and authenticator do: a token is valid until it expires on the virtual
// clock, while its service account (and the pod or secret it is bound to)
// exists with the UID it was issued for. It implements
// authenticator.Token.
type ServiceAccountTokens struct {
	store *store.Store
	clock clock.PassiveClock
	key   *ecdsa.PrivateKey
}

var _ authenticator.Token = (*ServiceAccountTokens)(nil)

// NewServiceAccountTokens makes an issuer with a new signing key.
func NewServiceAccountTokens(st *store.Store, c clock.PassiveClock) (*ServiceAccountTokens, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate service account signing key: %w", err)
	}
	return &ServiceAccountTokens{store: st, clock: c, key: key}, nil
}

// Bound names the object a token is bound to, if any: it stops working
// when that object goes away.
type Bound struct {
	Pod    *corev1.Pod
	Node   *corev1.Node
	Secret *corev1.Secret
}

type objectRef struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
}

type kubernetesClaims struct {
	Namespace      string     `json:"namespace"`
	ServiceAccount objectRef  `json:"serviceaccount"`
	Pod            *objectRef `json:"pod,omitempty"`
	Secret         *objectRef `json:"secret,omitempty"`
	Node           *objectRef `json:"node,omitempty"`
	WarnAfter      int64      `json:"warnafter,omitempty"`
}

type claims struct {
	Issuer     string           `json:"iss"`
	Subject    string           `json:"sub"`
	Audience   []string         `json:"aud"`
	Expiry     int64            `json:"exp"`
	NotBefore  int64            `json:"nbf"`
	IssuedAt   int64            `json:"iat"`
	ID         string           `json:"jti"`
	Kubernetes kubernetesClaims `json:"kubernetes.io"`
}

// Issue returns a token for sa, valid for audiences from now until
// now+expiration. A warnAfter above zero marks the token as one whose
// lifetime was extended (upstream's --service-account-extend-token-
// expiration): valid for expiration, but meant to be replaced after
// warnAfter.
func (t *ServiceAccountTokens) Issue(sa *corev1.ServiceAccount, bound Bound, expiration, warnAfter time.Duration, audiences []string) (string, error) {
	now := t.clock.Now()
	c := claims{
		Issuer:    Issuer,
		Subject:   serviceaccount.MakeUsername(sa.Namespace, sa.Name),
		Audience:  audiences,
		Expiry:    now.Add(expiration).Unix(),
		NotBefore: now.Unix(),
		IssuedAt:  now.Unix(),
		ID:        string(uuid.NewUUID()),
		Kubernetes: kubernetesClaims{
			Namespace:      sa.Namespace,
			ServiceAccount: objectRef{Name: sa.Name, UID: string(sa.UID)},
		},
	}
	if warnAfter > 0 {
		c.Kubernetes.WarnAfter = now.Add(warnAfter).Unix()
	}
	if p := bound.Pod; p != nil {
		c.Kubernetes.Pod = &objectRef{Name: p.Name, UID: string(p.UID)}
	}
	if s := bound.Secret; s != nil {
		c.Kubernetes.Secret = &objectRef{Name: s.Name, UID: string(s.UID)}
	}
	if n := bound.Node; n != nil {
		c.Kubernetes.Node = &objectRef{Name: n.Name, UID: string(n.UID)}
	}
	return signJWT(t.key, c)
}

// AuthenticateToken implements authenticator.Token. Tokens it did not
// sign are left to the other authenticators.
func (t *ServiceAccountTokens) AuthenticateToken(ctx context.Context, token string) (*authenticator.Response, bool, error) {
	var c claims
	if err := verifyJWT(&t.key.PublicKey, token, &c); err != nil {
		if errors.Is(err, errNotOurs) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if err := t.validate(&c); err != nil {
		return nil, false, err
	}
	return &authenticator.Response{User: t.userOf(&c), Audiences: c.Audience}, true, nil
}

// validate checks what upstream's validator checks: issuer, audience,
// lifetime, and that the objects the token names still exist.
func (t *ServiceAccountTokens) validate(c *claims) error {
	if c.Issuer != Issuer {
		return errors.New("service account token has an unknown issuer")
	}
	if !hasAudience(c.Audience) {
		return errors.New("token audiences are not the API server's")
	}
	now := t.clock.Now().Unix()
	if now > c.Expiry {
		return errors.New("service account token has expired")
	}
	if now < c.NotBefore {
		return errors.New("service account token is not valid yet")
	}
	k := c.Kubernetes
	sa, ok := t.store.View().Get("serviceaccounts", k.Namespace, k.ServiceAccount.Name).(*corev1.ServiceAccount)
	if !ok || string(sa.UID) != k.ServiceAccount.UID || sa.DeletionTimestamp != nil {
		return fmt.Errorf("service account %s/%s has been deleted", k.Namespace, k.ServiceAccount.Name)
	}
	if k.Pod != nil {
		pod, ok := t.store.View().Get("pods", k.Namespace, k.Pod.Name).(*corev1.Pod)
		if !ok || string(pod.UID) != k.Pod.UID {
			return fmt.Errorf("pod %s/%s has been deleted", k.Namespace, k.Pod.Name)
		}
	}
	if k.Secret != nil {
		s, ok := t.store.View().Get("secrets", k.Namespace, k.Secret.Name).(*corev1.Secret)
		if !ok || string(s.UID) != k.Secret.UID {
			return fmt.Errorf("secret %s/%s has been deleted", k.Namespace, k.Secret.Name)
		}
	}
	return nil
}

func hasAudience(auds []string) bool {
	for _, a := range auds {
		for _, want := range APIAudiences {
			if a == want {
				return true
			}
		}
	}
	return false
}

func (t *ServiceAccountTokens) userOf(c *claims) user.Info {
	k := c.Kubernetes
	u := &user.DefaultInfo{
		Name:   serviceaccount.MakeUsername(k.Namespace, k.ServiceAccount.Name),
		UID:    k.ServiceAccount.UID,
		Groups: withAuthenticated(serviceaccount.MakeGroupNames(k.Namespace)),
		Extra:  map[string][]string{extraCredentialID: {"JTI=" + c.ID}},
	}
	if k.Pod != nil {
		u.Extra[extraPodName] = []string{k.Pod.Name}
		u.Extra[extraPodUID] = []string{k.Pod.UID}
	}
	if k.Node != nil {
		u.Extra[extraNodeName] = []string{k.Node.Name}
		u.Extra[extraNodeUID] = []string{k.Node.UID}
	}
	return u
}
