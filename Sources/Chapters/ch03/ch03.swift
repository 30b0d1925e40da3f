// Built from chapters/03-the-echo-task.md: the Tangle plugin generates this target's main.swift.
