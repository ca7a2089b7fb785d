package cluster

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// ControlPrefix is where a served cluster answers kubesim's own requests,
// beside the Kubernetes API: POST ControlPrefix+"advance?duration=10m"
// moves virtual time, POST ControlPrefix+"settle" waits until the cluster
// is idle. Only the admin of the kubeconfig WriteKubeconfig writes may use
// them.
const ControlPrefix = "/kubesim/v1/"

// withControl serves the control requests of a listener whose admin
// token is token, and the API for everything else.
func (c *Cluster) withControl(api http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, ControlPrefix) {
			api.ServeHTTP(w, r)
			return
		}
		given := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(given), []byte(token)) != 1 {
			http.Error(w, "kubesim: only the cluster admin may control time", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "kubesim: use POST", http.StatusMethodNotAllowed)
			return
		}
		var err error
		switch strings.TrimPrefix(r.URL.Path, ControlPrefix) {
		case "advance":
			var d time.Duration
			if d, err = time.ParseDuration(r.URL.Query().Get("duration")); err != nil || d < 0 {
				http.Error(w, fmt.Sprintf("kubesim: duration %q: want a positive Go duration such as 10m", r.URL.Query().Get("duration")), http.StatusBadRequest)
				return
			}
			err = c.Advance(r.Context(), d)
		case "settle":
			err = c.Settle(r.Context())
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "kubesim: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "virtual time is %s\n", c.Clock.Now().UTC().Format(time.RFC3339))
	})
}

// Control asks the cluster a kubeconfig's configuration reaches to run a
// control request (see ControlPrefix), e.g. Control(ctx, cfg,
// "advance?duration=10m"), and returns its answer.
func Control(ctx context.Context, cfg *rest.Config, request string) (string, error) {
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(cfg.Host, "/")+ControlPrefix+request, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("kubesim %s: %w", request, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("kubesim %s: %w", request, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("kubesim %s: %s", request, strings.TrimSpace(string(body)))
	}
	return strings.TrimSpace(string(body)), nil
}
