package observe

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Health and capacity decode their lists in one pass (json-iterator): each
// of their structs must read a full object, managedFields and all, exactly
// as encoding/json does.
func TestOnePassReadsAsEncodingJSON(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC))
	om := metav1.ObjectMeta{Name: "x", Namespace: "team-a", Labels: map[string]string{"app": "shop"}, CreationTimestamp: at,
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: "Update", APIVersion: "v1", Time: &at, FieldsType: "FieldsV1",
			FieldsV1: metav1.NewFieldsV1(`{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{}}}}}`)}}}
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("512Mi")}
	replicas, class := int32(3), "vsan"
	cases := []struct {
		obj  any
		into func() any
	}{
		{&corev1.Node{ObjectMeta: om, Spec: corev1.NodeSpec{Unschedulable: true}, Status: corev1.NodeStatus{Allocatable: rl,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletNotReady", Message: "PLEG", LastHeartbeatTime: at}}}},
			func() any { return &node{} }},
		{&corev1.Pod{ObjectMeta: om, Spec: corev1.PodSpec{NodeName: "n1", Overhead: rl,
			Containers:     []corev1.Container{{Name: "app", Image: "shop:1", Resources: corev1.ResourceRequirements{Requests: rl, Limits: rl}}},
			InitContainers: []corev1.Container{{Name: "init", Resources: corev1.ResourceRequirements{Requests: rl}}}},
			Status: corev1.PodStatus{Phase: corev1.PodPending, Reason: "Evicted", Message: "low memory",
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "app", RestartCount: 7,
					State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off"}},
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 2}}}}}},
			func() any { return &pod{} }},
		{&appsv1.Deployment{ObjectMeta: om, Spec: appsv1.DeploymentSpec{Replicas: &replicas}, Status: appsv1.DeploymentStatus{AvailableReplicas: 1, ReadyReplicas: 2}},
			func() any { return &workload{} }},
		{&appsv1.DaemonSet{ObjectMeta: om, Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 4, NumberReady: 3}}, func() any { return &workload{} }},
		{&corev1.PersistentVolumeClaim{ObjectMeta: om, Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class}, Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}},
			func() any { return &claim{} }},
		{&corev1.Event{ObjectMeta: om, Reason: "BackOff", Message: "restarting", Count: 5, FirstTimestamp: at, LastTimestamp: at,
			EventTime: metav1.NewMicroTime(at.Time), InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "team-a", Name: "x"}},
			func() any { return &event{} }},
	}
	for _, c := range cases {
		raw, err := json.Marshal(c.obj)
		if err != nil {
			t.Fatal(err)
		}
		want, got := c.into(), c.into()
		if err := json.Unmarshal(raw, want); err != nil {
			t.Fatal(err)
		}
		if err := kube.DecodeOnePass(raw, got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%T: one pass\n%+v\nencoding/json\n%+v", c.obj, got, want)
		}
		if reflect.DeepEqual(want, c.into()) {
			t.Errorf("%T: nothing was read", c.obj)
		}
	}
}
