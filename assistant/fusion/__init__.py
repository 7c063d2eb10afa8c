"""The intent router: a cross-attention fusion classifier over a message's text and its images."""
