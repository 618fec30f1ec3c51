package clitest

import (
	"strings"
	"testing"
)

// SlowAndFast readies two servers for a streaming test: contexts
// "aaa-slow", whose list of resource never answers within the command's
// time, and "zzz-fast". The slow one's name sorts first, so a row of the
// fast one printed first shows the output streams rather than sorts.
func SlowAndFast(t testing.TB, slow, fast *Server, resource string) {
	slow.Context, fast.Context = "aaa-slow", "zzz-fast"
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow.React("list", resource, func(Request) (bool, any, error) {
		<-release // never, within the command's time
		return false, nil, nil
	})
}

// ColumnsLineUp checks that each named column of a streamed table starts,
// in every row, where its header does: rows written before the slow
// targets answered keep the table's columns.
func ColumnsLineUp(t testing.TB, out string, header string, rows []string, cols ...string) {
	t.Helper()
	for _, col := range cols {
		at := strings.Index(header, " "+col+" ") + 1
		for _, l := range rows {
			if at <= 0 || l[at-1] != ' ' || l[at] == ' ' {
				t.Errorf("column %s at %d does not line up:\n%s", col, at, out)
				break
			}
		}
	}
}
