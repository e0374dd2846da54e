package progress

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestSharedVersionReadSeesWhatWasCommitted: with many requests reading
// the data version at once (and sharing reads), a request that asks after
// a change committed always gets that change's version or a later one; a
// request that gives up stops no one else.
func TestSharedVersionReadSeesWhatWasCommitted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var reads, asks atomic.Int64
		vr := &versionReader{read: func(ctx context.Context) (store.Versions, error) {
			reads.Add(1)
			return s.Versions(ctx)
		}}
		tree, err := s.Orgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		root := tree.Orgs[0].ID
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					asks.Add(1)
					if _, err := vr.Versions(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		defer func() {
			close(stop)
			wg.Wait()
			t.Logf("%d asks, %d reads", asks.Load()+60, reads.Load())
		}()
		gaveUp, cancel := context.WithCancel(ctx)
		cancel()
		for i := range 30 {
			if err := s.RenameOrg(ctx, root, fmt.Sprintf("测试组织%d", i)); err != nil { // moves the data version
				t.Fatal(err)
			}
			vs, err := s.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			committed := vs.Data
			if _, err := vr.Versions(gaveUp); err == nil {
				t.Error("a request that gave up got a version")
			}
			got, err := vr.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Data < committed {
				t.Fatalf("after the change committed at version %d, read %d", committed, got.Data)
			}
		}
	})
}
