package greeter

import "testing"

func TestGreetsByName(t *testing.T) {
	if got := Greet("Ada"); got != "Hello, Ada!" {
		t.Fatalf("Greet(\"Ada\") = %q", got)
	}
}
