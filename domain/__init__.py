"""What Huddle means: models, pure rules and use-case services. Standard library only."""
