// Package controller runs the engine as a Kubernetes controller: a
// controller-runtime reconciler for flagger.app/v1beta1 Canaries that runs
// one engine tick per Canary per analysis interval through the same runner
// the simulator uses, against a real API server.
//
// The reconciler never reads the wall clock itself: it is handed a clock,
// the real one by `rehearse controller`, a fake one by tests that step
// virtual time.
package controller
