from glm_migrate.cli import main

main()
