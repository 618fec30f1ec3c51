package harness

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// HoldVeleroPort waits for, and holds until the test ends, the machine's
// one Velero: its controller manager binds the metrics port :8080 on every
// address and has no flag to move it, so a second Velero on the machine
// (another checkout's test run) would make this one exit at start.
func HoldVeleroPort(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "kubectl-tko-velero.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Log("waiting for another test run's Velero to stop (it holds :8080)")
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { f.Close() })
	// Something else may hold the port: say so rather than let Velero die.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l, err := net.Listen("tcp", ":8080")
		if err == nil {
			l.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("port 8080, which Velero's controller manager always binds, is taken: %v", err)
		}
		time.Sleep(time.Second)
	}
}
