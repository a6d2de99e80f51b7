"""What leaves Huddle: export use cases (load through the services, render, name the file). No Textual."""
