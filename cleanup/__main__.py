from cleanup.cli import main

main()
