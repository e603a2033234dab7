package main

import (
	"os"

	"github.com/spf13/cobra"
)

// tokenEnv names the environment variable a client command reads its
// bearer token from when --token is not given.
const tokenEnv = "ATTRIB_TOKEN"

// addTokenFlag registers --token on a command that talks to a server. The
// flag's default stays empty, so help output never shows a token taken
// from the environment.
func addTokenFlag(cmd *cobra.Command, token *string) {
	cmd.Flags().StringVar(token, "token", "", "bearer token to send to --server (default: $"+tokenEnv+")")
}

// clientToken is the token to send: --token, else $ATTRIB_TOKEN, else "".
func clientToken(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(tokenEnv)
}
