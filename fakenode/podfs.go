package fakenode

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"sort"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
	"github.com/kubesim/kubesim/fakenode/memfs"
)

// volumeSync is how often the kubelet brings configMap, secret and
// downward API volumes up to date (its sync period plus the ConfigMap
// cache's TTL, about a minute).
const volumeSync = time.Minute

// podVolumes are the volumes of one pod, set up once, shared by its
// containers (an emptyDir written by one container is seen by the others).
type podVolumes struct {
	vols    map[string]*memfs.Volume
	payload map[string]map[string]memfs.Entry // what each content volume holds now
}

// setUpVolumes creates the pod's volumes and fills those with content.
func (w *podWorker) setUpVolumes(ctx context.Context) error {
	if w.volumes != nil {
		return nil
	}
	pv := &podVolumes{vols: map[string]*memfs.Volume{}, payload: map[string]map[string]memfs.Entry{}}
	for _, v := range w.pod.Spec.Volumes {
		vol, err := w.volumeFor(v)
		if err != nil {
			return err
		}
		pv.vols[v.Name] = vol
	}
	w.volumes = pv
	w.refreshVolumes(ctx)
	w.volumeTimer = w.after(volumeSync)
	return nil
}

// volumeFor returns the volume behind a pod volume: a new one for most,
// the node's for hostPath, the claim's for a persistentVolumeClaim (so
// data outlives the pod, as on a real disk).
func (w *podWorker) volumeFor(v corev1.Volume) (*memfs.Volume, error) {
	f := w.node.fleet
	switch {
	case v.HostPath != nil:
		return w.node.hostPathVolume(v.HostPath.Path), nil
	case v.PersistentVolumeClaim != nil:
		return f.claimVolume(w.pod.Namespace, v.PersistentVolumeClaim.ClaimName), nil
	}
	return memfs.NewVolume(f.clock), nil
}

// refreshVolumes writes the current content of configMap, secret,
// downwardAPI and projected volumes, as the kubelet's periodic sync does.
// A volume whose ConfigMap or Secret is gone (and not optional) keeps the
// content it has, and the failed remount is reported, as upstream's.
func (w *podWorker) refreshVolumes(ctx context.Context) {
	for _, v := range w.pod.Spec.Volumes {
		if v.ConfigMap != nil || v.Secret != nil || v.Projected != nil {
			if err := w.checkVolume(ctx, v); err != nil {
				w.event(nil, kubeletstatus.EventFailedMount(v.Name, err.Error()))
				continue
			}
		}
		vol := w.volumes.vols[v.Name]
		entries, ok := w.volumeContent(ctx, v)
		// As the kubelet's AtomicWriter, write a new timestamped
		// directory only when the content changed.
		if ok && !samePayload(w.volumes.payload[v.Name], entries) {
			_ = vol.Replace(atomicLayout(entries, w.now()))
			w.volumes.payload[v.Name] = entries
		}
	}
}

func samePayload(a, b map[string]memfs.Entry) bool {
	return a != nil && maps.EqualFunc(a, b, func(x, y memfs.Entry) bool {
		return x.Path == y.Path && x.Mode == y.Mode && x.Target == y.Target && bytes.Equal(x.Data, y.Data)
	})
}

// volumeContent is the files of a volume that has content.
func (w *podWorker) volumeContent(ctx context.Context, v corev1.Volume) (map[string]memfs.Entry, bool) {
	switch {
	case v.ConfigMap != nil:
		files := map[string]memfs.Entry{}
		if cm, err := w.configMap(ctx, v.ConfigMap.Name); err == nil {
			data := map[string][]byte{}
			for k, s := range cm.Data {
				data[k] = []byte(s)
			}
			for k, b := range cm.BinaryData {
				data[k] = b
			}
			addKeys(files, data, v.ConfigMap.Items, v.ConfigMap.DefaultMode)
		}
		return files, true
	case v.Secret != nil:
		files := map[string]memfs.Entry{}
		if s, err := w.secret(ctx, v.Secret.SecretName); err == nil {
			addKeys(files, s.Data, v.Secret.Items, v.Secret.DefaultMode)
		}
		return files, true
	case v.DownwardAPI != nil:
		files := map[string]memfs.Entry{}
		w.addDownward(files, v.DownwardAPI.Items, v.DownwardAPI.DefaultMode)
		return files, true
	case v.Projected != nil:
		return w.projected(ctx, v.Projected), true
	}
	return nil, false
}

func (w *podWorker) projected(ctx context.Context, p *corev1.ProjectedVolumeSource) map[string]memfs.Entry {
	files := map[string]memfs.Entry{}
	for _, src := range p.Sources {
		switch {
		case src.ConfigMap != nil:
			if cm, err := w.configMap(ctx, src.ConfigMap.Name); err == nil {
				data := map[string][]byte{}
				for k, s := range cm.Data {
					data[k] = []byte(s)
				}
				addKeys(files, data, src.ConfigMap.Items, p.DefaultMode)
			}
		case src.Secret != nil:
			if s, err := w.secret(ctx, src.Secret.Name); err == nil {
				addKeys(files, s.Data, src.Secret.Items, p.DefaultMode)
			}
		case src.DownwardAPI != nil:
			w.addDownward(files, src.DownwardAPI.Items, p.DefaultMode)
		case src.ServiceAccountToken != nil:
			if token, err := w.serviceAccountToken(ctx, src.ServiceAccountToken); err == nil {
				// The file borrows the kept token: memfs copies a borrowed
				// file's bytes before it changes them.
				files[src.ServiceAccountToken.Path] = memfs.Entry{Data: token, Mode: fileMode(p.DefaultMode)}
			}
		}
	}
	return files
}

// tokenKey tells apart the token projections of one pod.
type tokenKey struct {
	audience   string
	expiration int64
}

// issuedToken is what the token manager keeps of a TokenRequest.
type issuedToken struct {
	token   []byte
	expires time.Time
}

// serviceAccountToken returns a token for the pod's service account,
// bound to the pod, from the TokenRequest API, as the kubelet's token
// manager gets it: it keeps the token and asks for a new one once 80% of
// its lifetime or 24 hours have passed.
func (w *podWorker) serviceAccountToken(ctx context.Context, p *corev1.ServiceAccountTokenProjection) ([]byte, error) {
	key := tokenKey{audience: p.Audience, expiration: 3600}
	if p.ExpirationSeconds != nil {
		key.expiration = *p.ExpirationSeconds
	}
	now := w.now()
	if t, ok := w.tokens[key]; ok && !tokenNeedsRefresh(t.expires, key.expiration, now) {
		return t.token, nil
	}
	sa := w.pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		ExpirationSeconds: &key.expiration,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: w.pod.Name, UID: w.pod.UID},
	}}
	if p.Audience != "" {
		req.Spec.Audiences = []string{p.Audience}
	}
	tr, err := w.node.fleet.client.CoreV1().ServiceAccounts(w.pod.Namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		// A refresh that fails leaves the mounted token as it was.
		if old, ok := w.tokens[key]; ok {
			return old.token, nil
		}
		return nil, fmt.Errorf("request token of service account %s/%s: %w", w.pod.Namespace, sa, err)
	}
	if w.tokens == nil {
		w.tokens = map[tokenKey]issuedToken{}
	}
	t := issuedToken{token: []byte(tr.Status.Token), expires: tr.Status.ExpirationTimestamp.Time}
	w.tokens[key] = t
	return t.token, nil
}

// tokenNeedsRefresh is the kubelet token manager's rule for a token that
// expires at exp.
func tokenNeedsRefresh(exp time.Time, expiration int64, now time.Time) bool {
	issued := exp.Add(-time.Duration(expiration) * time.Second)
	return now.After(exp) || now.After(issued.Add(24*time.Hour)) ||
		now.After(issued.Add(time.Duration(expiration)*time.Second*8/10))
}

func addKeys(files map[string]memfs.Entry, data map[string][]byte, items []corev1.KeyToPath, defaultMode *int32) {
	if len(items) == 0 {
		for k, b := range data {
			files[k] = memfs.Entry{Data: b, Mode: fileMode(defaultMode)}
		}
		return
	}
	for _, it := range items {
		b, ok := data[it.Key]
		if !ok {
			continue
		}
		mode := defaultMode
		if it.Mode != nil {
			mode = it.Mode
		}
		files[it.Path] = memfs.Entry{Data: b, Mode: fileMode(mode)}
	}
}

func (w *podWorker) addDownward(files map[string]memfs.Entry, items []corev1.DownwardAPIVolumeFile, defaultMode *int32) {
	for _, it := range items {
		var val string
		var err error
		switch {
		case it.FieldRef != nil:
			val, err = w.fieldValue(it.FieldRef.FieldPath)
		case it.ResourceFieldRef != nil:
			var c *ctr
			for _, x := range w.all() {
				if x.spec.Name == it.ResourceFieldRef.ContainerName {
					c = x
				}
			}
			if c == nil {
				continue
			}
			val, err = w.resourceValue(c, it.ResourceFieldRef)
		}
		if err != nil {
			continue
		}
		mode := defaultMode
		if it.Mode != nil {
			mode = it.Mode
		}
		files[it.Path] = memfs.Entry{Data: []byte(val), Mode: fileMode(mode)}
	}
}

func fileMode(m *int32) fs.FileMode {
	if m == nil {
		return 0o644
	}
	return fs.FileMode(*m) & fs.ModePerm
}

// atomicLayout lays out a volume's files the way the kubelet's atomic
// writer does: the files in a timestamped directory, a ..data link to it,
// and a link per top-level name into ..data.
func atomicLayout(files map[string]memfs.Entry, now time.Time) []memfs.Entry {
	// The writer's os.MkdirTemp adds random digits to the time; the
	// virtual nanoseconds keep the name deterministic.
	dir := now.UTC().Format("..2006_01_02_15_04_05.") + fmt.Sprintf("%09d", now.Nanosecond())
	var out []memfs.Entry
	top := map[string]bool{}
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		e := files[p]
		e.Path = dir + "/" + strings.TrimPrefix(p, "/")
		out = append(out, e)
		top[strings.SplitN(strings.TrimPrefix(p, "/"), "/", 2)[0]] = true
	}
	out = append(out, memfs.Entry{Path: "..data", Mode: fs.ModeSymlink, Target: dir})
	for t := range top {
		out = append(out, memfs.Entry{Path: t, Mode: fs.ModeSymlink, Target: path.Join("..data", t)})
	}
	return out
}

// containerFS builds a container's filesystem for one run: a fresh root
// (as a new writable layer) with the pod's volumes mounted, /etc/hosts,
// /etc/hostname and /etc/resolv.conf as the kubelet writes them.
func (w *podWorker) containerFS(c *ctr) (*memfs.FS, error) {
	f := memfs.New(w.node.fleet.clock)
	for _, m := range c.spec.VolumeMounts {
		vol := w.volumes.vols[m.Name]
		if vol == nil {
			return nil, fmt.Errorf("volume %q not found", m.Name)
		}
		ro := m.ReadOnly || readOnlyVolume(w.pod, m.Name)
		if err := f.Mount(m.MountPath, vol, memfs.MountOptions{SubPath: m.SubPath, ReadOnly: ro}); err != nil {
			return nil, fmt.Errorf("mount %s at %s: %w", m.Name, m.MountPath, err)
		}
	}
	hostname := w.hostname()
	_ = f.MkdirAll("/etc", 0o755)
	_ = f.WriteFile("/etc/hostname", []byte(hostname+"\n"), 0o644)
	_ = f.WriteFile("/etc/hosts", []byte(w.hostsFile(hostname)), 0o644)
	_ = f.WriteFile("/etc/resolv.conf", []byte(w.resolvConf()), 0o644)
	if p := c.spec.TerminationMessagePath; p != "" {
		_ = f.MkdirAll(path.Dir(p), 0o755)
		_ = f.WriteFile(p, nil, 0o666)
	}
	if c.spec.WorkingDir != "" {
		_ = f.MkdirAll(c.spec.WorkingDir, 0o755)
	}
	return f, nil
}

// readOnlyVolume: configMap, secret, downwardAPI and projected volumes are
// mounted read-only.
func readOnlyVolume(pod *corev1.Pod, name string) bool {
	for _, v := range pod.Spec.Volumes {
		if v.Name == name {
			return v.ConfigMap != nil || v.Secret != nil || v.DownwardAPI != nil || v.Projected != nil
		}
	}
	return false
}

// hostname is the pod's hostname: spec.hostname or its name, with the
// subdomain for the FQDN in /etc/hosts.
func (w *podWorker) hostname() string {
	if w.pod.Spec.Hostname != "" {
		return w.pod.Spec.Hostname
	}
	name := w.pod.Name
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

func (w *podWorker) hostsFile(hostname string) string {
	var b strings.Builder
	b.WriteString("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")
	if w.pod.Spec.Subdomain != "" {
		fmt.Fprintf(&b, "%s\t%s.%s.%s.svc.%s\t%s\n", w.podIP, hostname, w.pod.Spec.Subdomain, w.pod.Namespace, clusterDomain, hostname)
	} else {
		fmt.Fprintf(&b, "%s\t%s\n", w.podIP, hostname)
	}
	if len(w.pod.Spec.HostAliases) > 0 {
		b.WriteString("\n# Entries added by HostAliases.\n")
		for _, a := range w.pod.Spec.HostAliases {
			fmt.Fprintf(&b, "%s\t%s\n", a.IP, strings.Join(a.Hostnames, "\t"))
		}
	}
	return b.String()
}

// clusterDomain and clusterDNS are kubeadm's defaults.
const (
	clusterDomain = "cluster.local"
	clusterDNS    = "10.96.0.10"
)

func (w *podWorker) resolvConf() string {
	ns := w.pod.Namespace
	return fmt.Sprintf("search %s.svc.%s svc.%s %s\nnameserver %s\noptions ndots:5\n", ns, clusterDomain, clusterDomain, clusterDomain, clusterDNS)
}

// hostPathVolume is the node's directory at path, shared by its pods.
func (n *Node) hostPathVolume(p string) *memfs.Volume {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hostPaths == nil {
		n.hostPaths = map[string]*memfs.Volume{}
	}
	v, ok := n.hostPaths[p]
	if !ok {
		v = memfs.NewVolume(n.fleet.clock)
		n.hostPaths[p] = v
	}
	return v
}

// claimVolume is the data of a claim, kept by the fleet as a disk would
// keep it across pods.
func (f *Fleet) claimVolume(ns, claim string) *memfs.Volume {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.claims == nil {
		f.claims = map[string]*memfs.Volume{}
	}
	key := ns + "/" + claim
	v, ok := f.claims[key]
	if !ok {
		v = memfs.NewVolume(f.clock)
		f.claims[key] = v
	}
	return v
}
