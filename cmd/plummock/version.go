package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// runVersion prints the module version and VCS revision from the build info.
func runVersion(stdout io.Writer) int {
	fmt.Fprintln(stdout, versionString())
	return 0
}

func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "plummock (unknown version)"
	}
	version, revision, modified := info.Main.Version, "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	out := "plummock " + version
	if revision != "" {
		out += " (" + revision + modified + ")"
	}
	return out + " " + info.GoVersion
}
