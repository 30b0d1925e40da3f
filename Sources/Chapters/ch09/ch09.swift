// Built from chapters/09-embeddings-adam-dropout-depth.md: the Tangle plugin generates this target's main.swift.
