package store

import (
	"fmt"

	memdb "github.com/hashicorp/go-memdb"
	"k8s.io/apimachinery/pkg/runtime"
)

// Table and index names of the store's schema.
const (
	tableObjects = "objects"
	tableIndex   = "index"

	indexID     = "id"     // resource/namespace/name
	indexUID    = "uid"    // metadata.uid
	indexOwner  = "owner"  // ownerReferences[*].uid
	indexFields = "fields" // registered field indexes, see Index
)

// record is one stored object with the keys it is indexed by. Records are
// never modified after they are inserted.
type record struct {
	Key       string
	Resource  string
	Namespace string
	Name      string
	UID       string
	Owners    []string
	Fields    map[string]string // "<resource>|<index name>" -> value
	RV        uint64
	Object    runtime.Object
}

// indexRecord holds the newest resourceVersion, so that a read transaction
// sees the resourceVersion that matches its snapshot.
type indexRecord struct {
	Table string
	RV    uint64
}

func key(resource, namespace, name string) string {
	return resource + "/" + namespace + "/" + name
}

func prefix(resource, namespace string) string {
	if namespace == "" {
		return resource + "/"
	}
	return resource + "/" + namespace + "/"
}

func fieldKey(resource, index string) string { return resource + "|" + index }

func objectsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableObjects,
		Indexes: map[string]*memdb.IndexSchema{
			indexID:     {Name: indexID, Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			indexUID:    {Name: indexUID, Unique: true, Indexer: &memdb.StringFieldIndex{Field: "UID"}},
			indexOwner:  {Name: indexOwner, AllowMissing: true, Indexer: &memdb.StringSliceFieldIndex{Field: "Owners"}},
			indexFields: {Name: indexFields, AllowMissing: true, Indexer: &memdb.StringMapFieldIndex{Field: "Fields"}},
		},
	}
}

func indexTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableIndex,
		Indexes: map[string]*memdb.IndexSchema{
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Table"}},
		},
	}
}

func newDB() (*memdb.MemDB, error) {
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableObjects: objectsTable(),
		tableIndex:   indexTable(),
	}}
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, fmt.Errorf("create memdb: %w", err)
	}
	return db, nil
}
