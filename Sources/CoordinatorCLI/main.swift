import Coordinator

CoordinatorCommand.main()
