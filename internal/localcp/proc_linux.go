package localcp

import "syscall"

func sysProcAttr(detach bool) *syscall.SysProcAttr {
	if detach {
		return &syscall.SysProcAttr{Setsid: true}
	}
	// Killed with us, even if we panic or are SIGKILLed: no stray etcd.
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
