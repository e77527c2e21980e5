<?php

declare(strict_types=1);

namespace Example\Greeter\Tests;

use Example\Greeter\Greeter;
use PHPUnit\Framework\TestCase;

final class GreeterTest extends TestCase
{
    public function testGreetsByName(): void
    {
        $this->assertSame('Hello, Ada!', Greeter::greet('Ada'));
    }
}
