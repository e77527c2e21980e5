#include <gtest/gtest.h>

#include "greeter.hpp"

TEST(Greeter, GreetsByName) { EXPECT_EQ(greet("Ada"), "Hello, Ada!"); }
