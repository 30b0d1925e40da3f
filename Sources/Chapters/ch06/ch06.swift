// Built from chapters/06-min-char-rnn.md: the Tangle plugin generates this target's main.swift.
