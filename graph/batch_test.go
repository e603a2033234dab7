package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestBatcherBatchesWhileBusyAndNeverWaitsWhenIdle(t *testing.T) {
	var (
		mu      sync.Mutex
		batches [][]int
		release = make(chan struct{})
		first   = true
	)
	b := newBatcher(func(_ context.Context, keys []int) ([]string, []error) {
		mu.Lock()
		batches = append(batches, append([]int(nil), keys...))
		block := first
		first = false
		mu.Unlock()
		if block {
			<-release // hold the first fetch so the others queue up
		}
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = fmt.Sprint("v", k)
		}
		return out, nil
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]string, 50)
	wg.Add(1)
	go func() { defer wg.Done(); got[0], _ = b.Load(ctx, 0) }()
	for { // wait until the first fetch is running
		mu.Lock()
		n := len(batches)
		mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	for i := 1; i < 50; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = b.Load(ctx, i%25) }() // keys repeat
	}
	time.Sleep(20 * time.Millisecond) // let them all queue
	close(release)
	wg.Wait()
	for i, v := range got {
		if v != fmt.Sprint("v", i%25) {
			t.Fatalf("Load(%d) = %q", i%25, v)
		}
	}
	if len(batches) != 2 || len(batches[0]) != 1 || len(batches[1]) != 24 {
		t.Errorf("batches = %v; want [0] then the other 24 distinct keys in one batch", batches)
	}

	start := time.Now()
	if v, _ := b.Load(ctx, 99); v != "v99" || time.Since(start) > 500*time.Microsecond {
		t.Errorf("idle Load took %s (got %q); it should fetch at once", time.Since(start), v)
	}
}

func TestBatcherErrors(t *testing.T) {
	bad := errors.New("bad key")
	b := newBatcher(func(_ context.Context, keys []int) ([]int, []error) {
		errs := make([]error, len(keys))
		for i, k := range keys {
			if k < 0 {
				errs[i] = bad
			}
		}
		return keys, errs
	})
	vs, err := b.LoadAll(context.Background(), []int{1, -1, 2})
	var es keyErrors
	if !errors.As(err, &es) || es[0] != nil || !errors.Is(es[1], bad) || es[2] != nil {
		t.Fatalf("LoadAll error = %v; want a slice with only the second failing", err)
	}
	if vs[0] != 1 || vs[2] != 2 {
		t.Errorf("values = %v", vs)
	}
	p := newBatcher(func(context.Context, []int) ([]int, []error) { panic("boom") })
	if _, err := p.Load(context.Background(), 1); err == nil {
		t.Error("a panicking fetch gave no error")
	}
}
