// This file installs the CRDs a rehearsal needs on a kind cluster: it reads
// them from YAML and JSON files, applies each and waits until it is established.

package kind

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/rehearse-dev/rehearse/internal/envtest"
)

// establishTimeout bounds the wait for the API server to serve new CRDs.
const establishTimeout = time.Minute

// installCRDs creates or updates every CRD under the CRD folders and waits
// until the API server serves them.
func (c *Cluster) installCRDs(ctx context.Context, o Options) error {
	dirs, err := envtest.ResolveCRDDirs(o.CRDDirs)
	if err != nil {
		return err
	}
	crds, err := ReadCRDs(dirs...)
	if err != nil {
		return err
	}
	for _, crd := range crds {
		if err := applyCRD(ctx, c.Client, crd); err != nil {
			return err
		}
	}
	return waitEstablished(ctx, c.Client, crds)
}

// ReadCRDs reads every CustomResourceDefinition in the YAML and JSON files
// under dirs, subfolders included, in lexical order. Other objects are
// skipped; finding no CRD at all is an error.
func ReadCRDs(dirs ...string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isManifest(path) {
				return err
			}
			crds, err := readCRDFile(path)
			out = append(out, crds...)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading CRDs under %s: %w", dir, err)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition found under %s", strings.Join(dirs, ", "))
	}
	return out, nil
}

func isManifest(path string) bool {
	switch filepath.Ext(path) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// readCRDFile reads the CRDs among the documents of one file.
func readCRDFile(path string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		crd, err := decodeCRD(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if crd != nil {
			out = append(out, crd)
		}
	}
}

// decodeCRD returns nil for an empty document or another kind of object.
func decodeCRD(doc []byte) (*apiextensionsv1.CustomResourceDefinition, error) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(doc, &crd); err != nil {
		return nil, err
	}
	if crd.Kind != "CustomResourceDefinition" || crd.Spec.Group == "" {
		return nil, nil
	}
	return &crd, nil
}

// applyCRD creates the CRD, or replaces the spec of the one installed.
func applyCRD(ctx context.Context, c client.Client, crd *apiextensionsv1.CustomResourceDefinition) error {
	want := crd.DeepCopy()
	var have apiextensionsv1.CustomResourceDefinition
	err := c.Get(ctx, client.ObjectKeyFromObject(want), &have)
	switch {
	case apierrors.IsNotFound(err):
		err = c.Create(ctx, want)
	case err == nil:
		want.ResourceVersion = have.ResourceVersion
		err = c.Update(ctx, want)
	}
	if err != nil {
		return fmt.Errorf("installing CRD %s: %w", crd.Name, err)
	}
	return nil
}

// waitEstablished polls until every CRD is established.
func waitEstablished(ctx context.Context, c client.Client, crds []*apiextensionsv1.CustomResourceDefinition) error {
	for _, crd := range crds {
		var got apiextensionsv1.CustomResourceDefinition
		err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, establishTimeout, true, func(ctx context.Context) (bool, error) {
			if err := c.Get(ctx, client.ObjectKeyFromObject(crd), &got); err != nil {
				return false, err
			}
			return established(&got), nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s is not served: %w", crd.Name, err)
		}
	}
	return nil
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			return c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return false
}
