package semantic

import (
	"hash/maphash"
	"sync"
)

// memo remembers answers by qualified name for concurrent readers. It is
// sharded, each shard a map under a read-write lock: the answers are read
// far more often than written, and a plain map read is several times
// cheaper than a sync.Map's on these short string keys.
type memo[V any] struct {
	seed   maphash.Seed
	shards [64]memoShard[V]
}

type memoShard[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

func newMemo[V any]() *memo[V] {
	return &memo[V]{seed: maphash.MakeSeed()}
}

func (c *memo[V]) shard(key string) *memoShard[V] {
	return &c.shards[maphash.String(c.seed, key)%uint64(len(c.shards))]
}

// load returns the answer remembered for key.
func (c *memo[V]) load(key string) (V, bool) {
	s := c.shard(key)
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	return v, ok
}

// store remembers an answer; answers depend only on the program, so a
// concurrent store of the same key stores the same value.
func (c *memo[V]) store(key string, v V) {
	s := c.shard(key)
	s.mu.Lock()
	if s.m == nil {
		s.m = map[string]V{}
	}
	s.m[key] = v
	s.mu.Unlock()
}
