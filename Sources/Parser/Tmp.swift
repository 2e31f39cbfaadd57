public enum ParserPlaceholder {}
