SECRET_KEY = "test-secret-key-not-real-0123456789"
