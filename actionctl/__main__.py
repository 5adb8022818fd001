from actionctl.cli import main

main()
