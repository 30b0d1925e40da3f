// Built from chapters/10-gates-gru-and-lstm.md: the Tangle plugin generates this target's main.swift.
