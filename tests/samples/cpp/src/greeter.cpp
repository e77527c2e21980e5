#include "greeter.hpp"

std::string greet(const std::string& name) { return "Hello, " + name + "!"; }
