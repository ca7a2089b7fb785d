package timeline

import "time"

// Timeline is a snapshot of what a Recorder saw, in the order it happened.
type Timeline struct {
	// Start is when recording began and End the virtual time of the
	// snapshot; story times are offsets from Start.
	Start, End time.Time
	// Pods holds one history per pod, in the order pods were first seen.
	Pods []PodHistory
	// Events are the Kubernetes Events recorded, each repetition of a
	// deduplicated event included.
	Events []Event
	// Changes are the changes to objects other than pods and events.
	Changes []Change
	// Gaps note stretches the recorder could not see, if it ever fell out
	// of the store's history.
	Gaps []string
}

// PodHistory is the life of one pod as a list of snapshots, one per change
// that mattered to its status.
type PodHistory struct {
	Namespace, Name, UID string
	Samples              []PodSample
}

// PodSample is the part of a pod's state that a story tells, at one time.
type PodSample struct {
	At       time.Time
	RV       uint64
	Verb     Verb
	Node     string
	Phase    string
	Reason   string // status.reason, e.g. Evicted
	Message  string
	Deleting bool // deletionTimestamp is set
	// Conditions maps condition types (Ready, PodScheduled...) to their
	// status ("True", "False", "Unknown"). Samples with the same
	// conditions share one map: read it, never modify it.
	Conditions map[string]string
	Containers []ContainerSample
}

// ContainerSample is one container's status in a PodSample.
type ContainerSample struct {
	Name     string
	Init     bool
	State    string // Waiting, Running, Terminated, or "" before any status
	Reason   string // waiting or terminated reason
	Message  string
	ExitCode int32
	Ready    bool
	Restarts int32
	// Last is how the previous run ended (lastState.terminated), set once
	// the container has exited and been restarted or is waiting to be.
	Last *Termination
}

// Termination is how one run of a container ended.
type Termination struct {
	Reason     string
	ExitCode   int32
	FinishedAt time.Time
}

// Event is one Kubernetes Event, or one repetition of it.
type Event struct {
	At      time.Time
	RV      uint64
	Type    string // Normal or Warning
	Reason  string
	Message string
	Count   int32
	// Kind, Namespace, Name and UID name the involved object; FieldPath
	// names a part of it, such as spec.containers{web}.
	Kind, Namespace, Name, UID, FieldPath string
}

// Change is a change to an object other than a pod or an event.
type Change struct {
	At                    time.Time
	RV                    uint64
	Verb                  Verb
	Kind, Namespace, Name string
	// Detail says what kind of update it was, when that can be told
	// cheaply: a new generation (a spec change), or a deletion requested.
	Detail string
}

// Verb says what happened to an object.
type Verb string

// Verbs of changes. Existing marks objects that were there when recording
// began.
const (
	Existing Verb = "existing"
	Created  Verb = "created"
	Updated  Verb = "updated"
	Deleted  Verb = "deleted"
)
