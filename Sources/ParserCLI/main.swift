import Parser

ParserCommand.main()
