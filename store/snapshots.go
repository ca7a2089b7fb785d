package store

import memdb "github.com/hashicorp/go-memdb"

// maxSnapshots is how many list snapshots the store keeps for continue
// tokens. A memdb read transaction is an immutable tree root, so keeping
// one costs only the nodes that later writes replace.
const maxSnapshots = 32

type snapshot struct {
	rv  uint64
	txn *memdb.Txn
}

func (s *Store) keepSnapshot(rv uint64, txn *memdb.Txn) {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	for _, sn := range s.snapshots {
		if sn.rv == rv {
			return
		}
	}
	s.snapshots = append(s.snapshots, snapshot{rv: rv, txn: txn})
	if len(s.snapshots) > maxSnapshots {
		s.snapshots[0] = snapshot{} // the array outlives the slice; let the old tree go
		s.snapshots = s.snapshots[1:]
	}
}

func (s *Store) snapshotAt(rv uint64) *memdb.Txn {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	for _, sn := range s.snapshots {
		if sn.rv == rv {
			return sn.txn
		}
	}
	return nil
}

// dropSnapshots forgets the snapshots that a compaction to rv made
// unreadable: their continue tokens expire, as etcd's do.
func (s *Store) dropSnapshots(rv uint64) {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	kept := s.snapshots[:0]
	for _, sn := range s.snapshots {
		if sn.rv > rv {
			kept = append(kept, sn)
		}
	}
	clear(s.snapshots[len(kept):])
	s.snapshots = kept
}
