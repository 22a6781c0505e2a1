from cleanup.commands import main

main()
